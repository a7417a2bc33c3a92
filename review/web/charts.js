// Small SVG charts for the investigators' and statistics screens. Every chart is a <figure>: a
// caption, an SVG with role="img" and an aria-label that says what it shows, and the same numbers
// as a real table (visually hidden, or visible on request) for screen readers and for copying.
// Colours go through presentation attributes, never style attributes (the app's CSP has no
// 'unsafe-inline' for styles).
import { h } from './dom.js';
import { t } from './i18n.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Distinct enough side by side, and readable on white (one per category, in order). */
export const PALETTE = ['#1d4ed8', '#b42318', '#7a5af8', '#067647', '#b54708', '#0e9384', '#c11574', '#475467', '#ca8504', '#2e90fa', '#6172f3', '#e04f16'];

/**
 * An SVG element with attributes (numbers and strings; null/undefined left out) and children.
 * @param {string} tag
 * @param {Record<string, string | number | null | undefined>} [attrs]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}, ...children) {
  const element = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/**
 * A data table with a caption and column headers (the first cell of each row is its header).
 * @param {string} caption
 * @param {string[]} columns
 * @param {(string | number)[][]} rows
 * @param {{ hidden?: boolean, className?: string }} [options] hidden: for assistive technology only
 */
export function dataTable(caption, columns, rows, options = {}) {
  const classes = [options.hidden ? 'visually-hidden' : '', options.className ?? ''].filter(Boolean).join(' ');
  return h(
    'table',
    { class: classes || undefined },
    h('caption', null, caption),
    h('thead', null, h('tr', null, columns.map((column) => h('th', { scope: 'col' }, column)))),
    h(
      'tbody',
      null,
      rows.map((row) =>
        h(
          'tr',
          null,
          row.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: typeof cell === 'number' ? 'num' : undefined }, cell))),
        ),
      ),
    ),
  );
}

/**
 * A round-ish top for the value axis: 1, 2, 5 × 10^n at or above `max`.
 * @param {number} max
 */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/**
 * @typedef {object} Series one colour of a stacked chart
 * @property {string} key
 * @property {string} label
 * @typedef {object} Column one bar (a stack when there are several series)
 * @property {string} label
 * @property {Record<string, number>} values by series key
 * @typedef {object} ColumnChart
 * @property {string} caption the figure's caption, also the table's
 * @property {string} summary the SVG's accessible name (what the chart shows, in one sentence)
 * @property {string} columnTitle header of the table's first column
 * @property {Series[]} series
 * @property {Column[]} columns
 * @property {boolean} [showTable] show the table under the chart instead of hiding it
 */

/**
 * Vertical bars, stacked by series, with a legend when there are several series.
 * @param {ColumnChart} chart
 */
export function columnChart(chart) {
  const width = 760;
  const height = 240;
  const left = 40;
  const bottom = 46;
  const top = 10;
  const plotHeight = height - top - bottom;
  const totals = chart.columns.map((column) => chart.series.reduce((sum, s) => sum + (column.values[s.key] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = (width - left - 8) / Math.max(1, chart.columns.length);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const y = (/** @type {number} */ value) => top + plotHeight - (value / max) * plotHeight;
  const plot = svg('g');
  // Axis: 0, half and the top value, with light grid lines.
  for (const tick of [0, max / 2, max]) {
    plot.appendChild(svg('line', { x1: left, x2: width - 4, y1: y(tick), y2: y(tick), stroke: '#d8dde3' }));
    plot.appendChild(svg('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#5b6470' }, formatNumber(tick)));
  }
  const labelEvery = Math.ceil(chart.columns.length / 12);
  chart.columns.forEach((column, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    let base = 0;
    chart.series.forEach((series, k) => {
      const value = column.values[series.key] ?? 0;
      if (value <= 0) return;
      const rect = svg('rect', { x, y: y(base + value), width: barWidth, height: Math.max(1, y(base) - y(base + value)), fill: PALETTE[k % PALETTE.length] });
      rect.appendChild(svg('title', {}, `${column.label} · ${series.label}: ${formatNumber(value)}`));
      plot.appendChild(rect);
      base += value;
    });
    if (i % labelEvery === 0) {
      plot.appendChild(svg('text', { x: x + barWidth / 2, y: height - bottom + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#5b6470' }, column.label));
    }
  });
  const image = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': chart.summary, class: 'chart', preserveAspectRatio: 'xMinYMin meet' }, plot);
  const legend =
    chart.series.length > 1
      ? h(
          'ul',
          { class: 'legend', 'aria-hidden': 'true' },
          chart.series.map((series, k) => h('li', null, swatch(k), series.label)),
        )
      : null;
  const table = dataTable(
    chart.caption,
    [chart.columnTitle, ...chart.series.map((s) => s.label), ...(chart.series.length > 1 ? [totalLabel()] : [])],
    chart.columns.map((column, i) => [
      column.label,
      ...chart.series.map((s) => column.values[s.key] ?? 0),
      ...(chart.series.length > 1 ? [/** @type {number} */ (totals[i])] : []),
    ]),
    { hidden: !chart.showTable },
  );
  return h('figure', { class: 'chart-figure' }, h('figcaption', null, chart.caption), image, legend, dataToggle(table, chart.caption), table);
}

/**
 * Horizontal bars, one per row, each with one or more measures side by side (median and p90).
 * @param {object} chart
 * @param {string} chart.caption
 * @param {string} chart.summary
 * @param {string} chart.rowTitle
 * @param {Series[]} chart.measures
 * @param {{ label: string, values: Record<string, number> }[]} chart.rows
 * @param {(value: number) => string} [chart.format]
 */
export function barChart(chart) {
  const format = chart.format ?? formatNumber;
  const width = 760;
  const labelWidth = 220;
  const barHeight = 14;
  const gap = 10;
  const rowHeight = chart.measures.length * barHeight + gap;
  const height = Math.max(rowHeight, chart.rows.length * rowHeight) + 4;
  const max = Math.max(0, ...chart.rows.flatMap((row) => chart.measures.map((m) => row.values[m.key] ?? 0)));
  const scale = (width - labelWidth - 90) / (max > 0 ? max : 1);
  const plot = svg('g');
  chart.rows.forEach((row, i) => {
    const top = i * rowHeight + 2;
    plot.appendChild(svg('text', { x: labelWidth - 8, y: top + (chart.measures.length * barHeight) / 2 + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#1b1f24' }, row.label));
    chart.measures.forEach((measure, k) => {
      const value = row.values[measure.key] ?? 0;
      const barY = top + k * barHeight;
      const rect = svg('rect', { x: labelWidth, y: barY, width: Math.max(value > 0 ? 2 : 0, value * scale), height: barHeight - 2, fill: PALETTE[k % PALETTE.length] });
      rect.appendChild(svg('title', {}, `${row.label} · ${measure.label}: ${format(value)}`));
      plot.appendChild(rect);
      plot.appendChild(svg('text', { x: labelWidth + value * scale + 6, y: barY + barHeight - 4, 'font-size': 11, fill: '#5b6470' }, format(value)));
    });
  });
  const image = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': chart.summary, class: 'chart', preserveAspectRatio: 'xMinYMin meet' }, plot);
  const legend =
    chart.measures.length > 1
      ? h('ul', { class: 'legend', 'aria-hidden': 'true' }, chart.measures.map((m, k) => h('li', null, swatch(k), m.label)))
      : null;
  const table = dataTable(
    chart.caption,
    [chart.rowTitle, ...chart.measures.map((m) => m.label)],
    chart.rows.map((row) => [row.label, ...chart.measures.map((m) => format(row.values[m.key] ?? 0))]),
    { hidden: true },
  );
  return h('figure', { class: 'chart-figure' }, h('figcaption', null, chart.caption), image, legend, dataToggle(table, chart.caption), table);
}

/**
 * Shows or hides the chart's table for sighted readers (assistive technology reads it either way).
 * @param {HTMLTableElement} table
 * @param {string} caption
 */
function dataToggle(table, caption) {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'data-toggle',
      'aria-pressed': String(!table.classList.contains('visually-hidden')),
      'aria-label': t('charts.show-data', { caption }),
      onclick: () => {
        const shown = table.classList.toggle('visually-hidden') === false;
        button.setAttribute('aria-pressed', String(shown));
      },
    },
    t('charts.data'),
  );
  return button;
}

/** @param {number} k palette index */
function swatch(k) {
  return svg('svg', { width: 12, height: 12, 'aria-hidden': 'true', class: 'swatch' }, svg('rect', { width: 12, height: 12, rx: 2, fill: PALETTE[k % PALETTE.length] }));
}

/** @param {number} value */
export function formatNumber(value) {
  return new Intl.NumberFormat(document.documentElement.lang || 'fr', { maximumFractionDigits: 1 }).format(value);
}

function totalLabel() {
  return t('charts.total');
}

import { parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { classifyElement, type ClassCache } from '../../crawler/parse-boilerplate.ts';

function kindOf(html: string, insideArticle = false) {
  const el = parseDocument(html).children[0] as Element;
  const cache: ClassCache = new Map();
  return classifyElement(el, insideArticle, cache);
}

describe('classifyElement', () => {
  it.each([
    ['<div class="site-footer">', 'junk'],
    ['<div id="mainMenu">', 'junk'],
    ['<ul class="nav-links">', 'junk'],
    ['<div class="topnav">', 'junk'],
    ['<div class="related-posts">', 'junk'],
    ['<section class="widget popular-threads">', 'junk'],
    ['<div class="cookie-notice">', 'junk'],
    ['<div class="share-buttons">', 'junk'],
    ['<div class="ad-slot">', 'junk'],
    ['<div class="breadcrumbs">', 'junk'],
    ['<div class="post-navigation">', 'junk'],
    ['<div class="dnd-widget type-gallery">', 'junk'],
    ['<div class="hero-carousel">', 'junk'],
    ['<div class="hidden">', 'junk'],
    ['<div role="navigation">', 'junk'],
    ['<div style="display:none">', 'junk'],
    ['<div aria-hidden="true">', 'junk'],
    ['<nav>', 'junk'],
    ['<aside>', 'junk'],
    ['<header>', 'junk'],
    ['<footer>', 'junk'],
  ])('%s is boilerplate', (html, kind) => {
    expect(kindOf(html)).toBe(kind);
  });

  it.each([
    ['<div class="comment">', 'user'],
    ['<li class="comment-body">', 'user'],
    ['<article class="message message--post">', 'user'],
    ['<div class="postbody">', 'user'],
    ['<div class="tgme_widget_message_text">', 'user'],
    ['<div role="comment">', 'user'],
    ['<div itemprop="commentText">', 'user'],
    ['<article>', 'container'],
    ['<main>', 'container'],
    ['<div role="main">', 'container'],
    ['<div itemprop="articleBody">', 'container'],
    ['<div class="entry-header">', 'neutral'],
    ['<div class="menu-content">', 'neutral'],
    ['<div class="page-wrap has-sidebar">', 'neutral'],
    ['<div class="toggle-group hideOnInit">', 'neutral'],
    ['<div class="hidden-xs">', 'neutral'],
    ['<div id="sharing-with-a-single-developer">', 'neutral'],
    ['<div class="shared-history">', 'neutral'],
    ['<div class="threads">', 'user'],
    ['<div class="gallery-post">', 'user'],
    ['<div class="gallery-content">', 'neutral'],
    ['<div>', 'neutral'],
  ])('%s is %s', (html, kind) => {
    expect(kindOf(html)).toBe(kind);
  });

  it('keeps headers and footers inside articles and posts (headlines, bylines, signatures)', () => {
    expect(kindOf('<header>', true)).toBe('neutral');
    expect(kindOf('<footer>', true)).toBe('neutral');
    expect(kindOf('<header class="site-header">', true)).toBe('junk');
  });

  it.each(['<script>', '<style>', '<noscript>', '<template>', '<svg>', '<select>', '<button>', '<input>', '<textarea></textarea>'])(
    '%s is never text',
    (html) => {
      expect(kindOf(html)).toBe('skip');
    },
  );

  it('keeps a textarea holding text', () => {
    expect(kindOf('<textarea>pasted dump</textarea>')).toBe('neutral');
  });

  it.each([
    ['<a class="popup" href="#">', 'neutral'],
    ['<span class="share-count">', 'neutral'],
    ['<em class="sidebar-term">', 'neutral'],
    ['<span class="author-comment">', 'user'],
    ['<span class="sr-only">', 'junk'],
    ['<span class="visually-hidden">', 'junk'],
    ['<a class="hidden" href="#">', 'junk'],
    ['<span style="display: none">', 'junk'],
    ['<span role="tooltip">', 'junk'],
    ['<div class="popup">', 'junk'],
  ])('judges words inside a sentence by visibility only: %s is %s', (html, kind) => {
    expect(kindOf(html)).toBe(kind);
  });
});

import { describe, expect, it } from 'vitest';
import { detectLanguage, normalizeLangTag } from '../../crawler/language.ts';

const SAMPLES: Record<string, string> = {
  fr: "La plateforme permet de signaler les contenus illicites que l'on rencontre sur internet. Les signalements sont traités par des enquêteurs spécialisés qui vérifient chaque contenu avant de le transmettre aux services compétents.",
  en: 'The platform lets anyone report illegal content they come across on the internet. Reports are handled by specialised investigators who check every item before passing it on to the competent services.',
  de: 'Die Plattform ermöglicht es jedem, illegale Inhalte zu melden, die ihm im Internet begegnen. Die Meldungen werden von spezialisierten Ermittlern bearbeitet, die jeden Inhalt prüfen, bevor sie ihn weiterleiten.',
  es: 'La plataforma permite a cualquier persona denunciar los contenidos ilícitos que encuentra en internet. Las denuncias son tratadas por investigadores especializados que verifican cada contenido antes de transmitirlo.',
  ar: 'تتيح المنصة لأي شخص الإبلاغ عن المحتوى غير القانوني الذي يصادفه على الإنترنت. يتولى محققون متخصصون معالجة البلاغات والتحقق من كل محتوى قبل إحالته إلى الجهات المختصة.',
  ru: 'Платформа позволяет любому человеку сообщить о незаконном контенте, который он встретил в интернете. Сообщения обрабатываются специализированными следователями, которые проверяют каждый материал перед передачей.',
};

describe('detectLanguage', () => {
  for (const [lang, text] of Object.entries(SAMPLES)) {
    it(`detects ${lang}`, () => {
      expect(detectLanguage(text)).toBe(lang);
    });
  }

  it('trusts the text over a wrong lang attribute', () => {
    expect(detectLanguage(SAMPLES.fr!, 'en')).toBe('fr');
    expect(detectLanguage(SAMPLES.ru!, 'en-US')).toBe('ru');
  });

  it('falls back to the lang attribute for short text', () => {
    expect(detectLanguage('Bonjour à tous', 'fr-FR')).toBe('fr');
    expect(detectLanguage('OK', 'de')).toBe('de');
    expect(detectLanguage('', 'es_ES')).toBe('es');
    expect(detectLanguage('Bonjour à tous')).toBeNull();
  });

  it('does not count URLs and e-mail addresses as text', () => {
    const text = 'Contact: seller@example.org https://example.org/shop/item?id=1234567890 http://abc.onion/x';
    expect(detectLanguage(text, 'fr')).toBe('fr');
  });

  it('returns null for text without letters and no usable attribute', () => {
    expect(detectLanguage('1234 5678 9012 3456 !!!! ???? 0000 1111 2222 3333 4444 5555', 'x-klingon')).toBeNull();
  });

  it('reads only the start of very long text', () => {
    const long = `${SAMPLES.de!} `.repeat(20_000);
    expect(detectLanguage(long)).toBe('de');
  });
});

describe('normalizeLangTag', () => {
  it.each([
    ['fr-FR', 'fr'],
    ['en_US', 'en'],
    ['DE', 'de'],
    ['fre', 'fr'],
    ['deu', 'de'],
    [' es ', 'es'],
    ['x-klingon', null],
    ['*', null],
    ['', null],
    [null, null],
  ])('%s -> %s', (tag, expected) => {
    expect(normalizeLangTag(tag)).toBe(expected);
  });
});

// A compact top-level-domain list for spotting bare domain names in prose, where "word.word"
// is far more often a typo, a file name or an abbreviation than a domain. Every two-letter
// country code, the legacy generic TLDs and the newer ones that actually show up in abuse and
// everyday links. Deliberately absent: .zip and .mov (read as file names far more often), .onion
// (its own entity type).

const COUNTRY_CODES =
  'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ' +
  'ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm ' +
  'fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it ' +
  'je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn ' +
  'mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps ' +
  'pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj ' +
  'tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw';

const GENERIC =
  'com net org info biz edu gov mil int name pro mobi asia tel travel jobs aero coop museum cat post xxx ' +
  'app dev page xyz online site store shop top club vip live life world today tech space website fun icu buzz ' +
  'email cloud digital network agency solutions services company group media news blog link click art design ' +
  'studio center global city paris london berlin bzh alsace corsica eus quebec brussels ninja guru win bid loan ' +
  'work party review trade racing download stream science accountant cricket faith men rest bar lol wtf porn ' +
  'sex adult casino bet poker games game market sale deals money cash cam monster quest sbs cfd bond hair beauty ' +
  'skin makeup autos boats homes yachts mom pics lat uno best kim ltd llc support help host hosting domains ' +
  'social chat team zone plus academy software systems technology tools security exchange finance financial ' +
  'capital credit loans bank insurance investments fund cards gold jewelry watch shoes clothing fashion style ' +
  'love dating singles sexy tattoo pizza restaurant cafe bio eco green energy solar earth land estate properties ' +
  'realty house apartments immo photo photos pictures gallery video film movie tube music radio band audio gratis ' +
  'school education university college courses training consulting marketing ventures partners holdings ' +
  'enterprises industries international management events tickets tours holiday vacations cruises flights taxi ' +
  'cars car auto moto bike fit fitness health clinic care dental doctor vet pet pets lgbt gay wiki ' +
  'foundation charity church community family kids baby toys fyi one rocks cyou ovh express direct tips wtf ' +
  'lawyer legal attorney gives run fans fan red blue pink black tokyo nyc moscow';

const KNOWN = new Set([...COUNTRY_CODES.split(' '), ...GENERIC.split(' ')]);

/**
 * TLDs that are also common file extensions (script.py, install.sh, README.md, lib.so,
 * Makefile.am) or property names in code quoted on web pages (this.name, user.email, row.id,
 * el.style, button.click): a bare name ending in one of them is only taken for a domain when it
 * has at least three labels (www.example.md, tokopedia.co.id) or came with a scheme.
 */
export const AMBIGUOUS_TLDS: ReadonlySet<string> = new Set([
  'py', 'sh', 'md', 'rs', 'so', 'pm', 'ps', 'mk', 'am',
  'name', 'run', 'email', 'style', 'click', 'link', 'page', 'id',
]);

/** Extensions that must not pass as the TLD of an e-mail or URL host either (icon@2x.png). */
export const FILE_EXTENSIONS: ReadonlySet<string> = new Set(
  ('png jpg jpeg gif svg webp bmp ico tif tiff css js mjs ts html htm php asp aspx jsp txt pdf doc docx xls xlsx ' +
    'ppt pptx odt csv json xml yml yaml zip rar gz tgz tar exe dll bin iso apk dmg msi mov avi mkv wav flac ogg ' +
    'log ini cfg conf bak tmp sql db').split(' '),
);

export function isKnownTld(tld: string): boolean {
  return KNOWN.has(tld);
}

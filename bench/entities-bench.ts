// Entity extraction throughput on forum-like French text.
// usage: node --import tsx bench/entities-bench.ts [ROUNDS=2000]
// Prints MB/s and the time per 5 KB page. The text is generated (deterministic), mostly prose
// with a realistic sprinkling of entities, numbers, dates and prices.
import { extractEntities } from '../extractors/entities/index.ts';

const WORDS = (
  'le la les un une des du de et à en pour sur avec dans par au aux ce cette il elle nous vous on est sont ' +
  'forum message réponse sujet membre vendeur acheteur livraison colis prix paiement virement compte service ' +
  'discussion question aide merci bonjour salut voiture maison travail vacances musique film équipe ville quartier ' +
  "qu'il l'envoi j'ai déjà très être après où ça ok lol svp mdr"
).split(' ');

const SPRINKLES = [
  'Tél. 06 12 34 56 78',
  'contact : vendeur.pro@example.fr',
  'voir https://www.example.com/annonces/12345?ref=forum',
  'le 12/03/2024 à 14h30',
  'prix 1 250,00 € TTC',
  'commande n° 2024-000123',
  'Telegram @shop_officiel',
  'IBAN FR76 3000 6000 0112 3456 7890 189',
  'BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
  'version 2.4.1 du logiciel',
  'serveur 192.168.1.10',
  'photo.jpg en pièce jointe',
];

function forumText(targetChars: number): string {
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const parts: string[] = [];
  let length = 0;
  while (length < targetChars) {
    const n = 8 + Math.floor(rnd() * 12);
    const words = Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)] as string);
    let sentence = words.join(' ') + '.';
    // One sentence in six carries an entity-like snippet, cycling through the list.
    if (parts.length % 6 === 5) sentence += ' ' + SPRINKLES[Math.floor(parts.length / 6) % SPRINKLES.length] + '.';
    parts.push(sentence);
    length += sentence.length + 1;
  }
  return parts.join(' ').slice(0, targetChars);
}

const rounds = Number(process.argv[2] ?? 500);
const batches = 10;
const page = forumText(5 * 1024);
const found = extractEntities(page);
for (let i = 0; i < 300; i++) extractEntities(page); // warm-up (JIT)
// The best and the median of several batches: a shared machine adds noise, never speed.
const perPageMs: number[] = [];
for (let b = 0; b < batches; b++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) extractEntities(page);
  perPageMs.push(Number(process.hrtime.bigint() - t0) / 1e6 / rounds);
}
perPageMs.sort((a, b) => a - b);
const bytes = Buffer.byteLength(page);
const mbps = (ms: number): string => (bytes / 1e6 / (ms / 1000)).toFixed(1);
const best = perPageMs[0] as number;
const median = perPageMs[Math.floor(batches / 2)] as number;
console.log(`page: ${page.length} chars (${bytes} bytes UTF-8), ${found.length} entities: ${found.map((e) => e.type).join(', ')}`);
console.log(`${batches} batches of ${rounds} pages`);
console.log(`best:   ${best.toFixed(3)} ms per 5 KB page, ${mbps(best)} MB/s`);
console.log(`median: ${median.toFixed(3)} ms per 5 KB page, ${mbps(median)} MB/s`);

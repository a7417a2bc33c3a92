// Development sentences for the hate rules, written for this test (not taken from HateCheck, MLMA
// or any other corpus): French and English, hateful ones that must raise a hate alert at the hate
// threshold, and the tricky non-hateful kinds that must not (counter-speech, negation, quoting,
// reporting, positive or neutral statements, non-protected targets, homonyms, in-group use).
// The rules are tuned on these; the labelled corpora are only used to measure (npm run eval).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, loadRuleSet } from '../../extractors/rules/index.ts';

const ruleSet = loadRuleSet(join(import.meta.dirname, '../../config/rules'));
const threshold = ruleSet.thresholds.hate ?? 0.6;
const hateScore = (text: string) => classify(text, [], ruleSet).find((f) => f.category === 'hate')?.score ?? 0;

const HATEFUL: string[] = [
  // Dehumanisation
  'Honestly, migrants are nothing but rats crawling into our cities.',
  'Gay men are a disease spreading through this country.',
  'Those Muslims are cockroaches, every last one of them.',
  'Trans people are freaks of nature.',
  'Les Roms sont de la vermine, rien d’autre.',
  'Les juifs sont des parasites qui sucent le sang du pays.',
  'Ces Africains ne sont que des singes.',
  'Les handicapés sont des sous-hommes.',
  'Refugees are subhuman trash.',
  // Expressed hatred and disgust
  'I really despise Jews.',
  'I cannot stand disabled people, they make me sick.',
  'Immigrants disgust me.',
  'Je déteste les Arabes.',
  'Je hais les homosexuels, ils me dégoûtent.',
  'Les lesbiennes me donnent envie de vomir.',
  // Derogatory attributes and generalisations
  'Women are too stupid to be in charge of anything.',
  'Black people are all lazy criminals.',
  'Muslims are all terrorists.',
  'Les femmes sont trop bêtes pour conduire.',
  'Les musulmans sont tous des terroristes.',
  'Les Noirs sont des fainéants et des voleurs.',
  'Why are Asians so sneaky and dishonest?',
  'Pourquoi les Arabes sont-ils tous des voleurs ?',
  'In my view, lesbians are disgusting.',
  'À mon avis les trans sont des malades mentaux.',
  // Threats and calls to violence
  'I am going to shoot every Muslim I see.',
  'We should kill all the immigrants.',
  'Gay people should be hanged in public.',
  'Refugees deserve to die in the sea.',
  'Death to the Jews.',
  'Il faut exterminer les Roms.',
  'On devrait pendre tous les pédés.',
  'Je vais buter tous les Arabes du quartier.',
  'Mort aux juifs !',
  'Les migrants, il faut les noyer.',
  // Exclusion
  'Immigrants should go back to where they came from.',
  'Women should not be allowed to vote.',
  'Les étrangers n’ont rien à faire en France, dehors !',
  'Les musulmans ne devraient pas avoir le droit de voter.',
  // Negated positives
  'Women are not capable of leading a country.',
  'Disabled people are never worth hiring.',
  'Les immigrés ne seront jamais des Français.',
  // Reference in a later sentence
  'I met some Muslims at work today. They are all filthy animals.',
  'Des migrants se sont installés près de chez moi. Ce sont des parasites.',
  // Profanity aimed at a group
  'Fuck all Muslims.',
  'Nique les juifs.',
  'Gay people are a bunch of fucking idiots.',
  // Slurs
  'You are just a dirty faggot.',
  'Sale bougnoule, rentre chez toi.',
  'Shut up, you retard.',
  'Ferme ta gueule, espèce de tapette.',
  // Evasions
  'I h@te mu5lims.',
  'M.i.g.r.a.n.t.s are vermin.',
  // Further constructions (intensifiers, singular forms, intent, negated qualities)
  'Women are so incredibly annoying and useless.',
  'Isn’t it funny how every single Muslim is a terrorist?',
  'I want to see all immigrants suffer.',
  'I’m going to make those immigrants pay.',
  'Trans people need to be taught a lesson.',
  'Black people are not smart enough to vote.',
  'Disabled people will never be equal to us.',
  'Gay people don’t deserve to live.',
  'I don’t want gay people anywhere near my kids.',
  'Black people make me want to throw up.',
  'Women are property.',
  'Fuck trans people.',
  'Les noirs c’est tous des singes.',
  'Les juifs contrôlent les médias, tout le monde le sait.',
  'Ils nous envahissent, les musulmans vont nous remplacer.',
  'Les femmes c’est fait pour faire la cuisine et fermer sa gueule.',
  'Je ne supporte pas les musulmans.',
  'Les handicapés coûtent une fortune, faudrait les euthanasier.',
  'Les immigrés ne sont pas capables de travailler.',
  'Retourne en Afrique, espèce de singe.',
  'Proud to be white, 14/88, heil to the race.',
  // Informal French as written online (no accents, no capitals)
  'ces sales arabes ils foutent rien a part toucher les allocs',
  'les migrants c une invasion faut fermer les frontieres',
  'les musulmans c est une plaie pour la france',
  'ces gitans c est que des voleurs de cuivre',
  'les pd qu ils aillent crever',
  'expulsez tous ces clandestins',
  'les handicapes mentaux on devrait les enfermer',
  'je peux pas saquer les feujs',
];

const NOT_HATEFUL: string[] = [
  // Counter-speech and denouncing hate
  'Saying that immigrants are rats is racist and wrong.',
  'Calling gay men a disease is vile homophobia.',
  'Dire que les Roms sont de la vermine est inacceptable.',
  'Il est raciste de prétendre que les Noirs sont des voleurs.',
  'If you think women are stupid, you are the problem.',
  '“Muslims are terrorists” is the kind of lie we have to fight.',
  // Negation
  'I don’t hate Jews at all.',
  'Trans people are not freaks, they are people.',
  'Nobody should say that disabled people deserve to die.',
  'Je ne déteste pas les Arabes, au contraire.',
  'Les migrants ne sont pas des parasites.',
  'Black people are not criminals.',
  // Quoting and reporting
  'The man was convicted for shouting that Jews should be killed.',
  'Le militant a été condamné pour avoir écrit que les musulmans sont des cafards.',
  'Three refugees were killed in the attack, police said.',
  'Hate crimes against Muslims rose by 20 percent last year, a report found.',
  // Positive or neutral statements about a group
  'I love my Muslim neighbours.',
  'Women are brilliant scientists and leaders.',
  'Gay couples deserve the same rights as everyone else.',
  'Les immigrés ont construit ce pays.',
  'Les personnes handicapées doivent avoir accès à tous les bâtiments publics.',
  'We welcome refugees in our town.',
  'My grandmother was a Jewish refugee from Vienna.',
  'Les femmes gagnent encore 15 % de moins que les hommes.',
  // Non-protected targets
  'I hate Mondays.',
  'I despise people who don’t use their turn signal.',
  'Je déteste les épinards.',
  'Politicians are all liars.',
  'Les arbitres sont tous des voleurs ce soir !',
  'Mosquitoes are vermin and should be exterminated.',
  'Kill the lights and shoot the photo in black and white.',
  'This printer is a useless piece of junk.',
  // Homonyms and ordinary words
  'Désolé, mon train a du retard.',
  'Le film noir est un genre des années 1940.',
  'She lit a fag behind the bike shed (British slang for a cigarette).',
  'Les chiens sont des animaux fidèles.',
  // In-group and reclaimed use
  'As a proud dyke, I love our community.',
  'We queers will keep marching.',
  // Everyday profanity, no target
  'Fuck, I missed the bus again.',
  'Putain, quelle journée de merde.',
  // News and everyday text with group words near harm words
  'Hundreds of refugees die at sea every year, a new report says.',
  'Women suffer from migraines more often than men.',
  'Kill the process with kill -9 if it hangs, then restart the server.',
  'Les Marocains ont battu l’Espagne aux tirs au but.',
  'Les musulmans de France condamnent l’attentat.',
  'Les migrants ont été secourus en mer par une ONG.',
  'Les femmes ont obtenu le droit de vote en 1944.',
  'A gay bar was attacked last night; police arrested two men.',
  'Immigrants are not criminals, and the data proves it.',
  'I don’t think women are less capable than men.',
  'No Muslim deserves to be treated like that.',
  'Les gauchistes sont des idiots.',
  'Sujet 1488 : réponse du vendeur sur le prix.',
  'Page 1488 of the manual explains how to kill a hung process.',
  'les migrants c est pas une invasion, arretez avec ca',
  'je suis fier de mes amis musulmans',
  'les femmes au volant sont aussi prudentes que les hommes',
];

describe('hate rules on development sentences', () => {
  it('have enough sentences in both languages', () => {
    expect(HATEFUL.length + NOT_HATEFUL.length).toBeGreaterThanOrEqual(60);
  });

  it.each(HATEFUL)('alert: %s', (text) => {
    expect(hateScore(text)).toBeGreaterThanOrEqual(threshold);
  });

  it.each(NOT_HATEFUL)('no alert: %s', (text) => {
    expect(hateScore(text)).toBeLessThan(threshold);
  });
});

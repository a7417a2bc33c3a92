// The stable category list with what an analyst needs next to a flag: standard MISP machine tags
// (taxonomies dark-web, content-classification, europol-incident, common-taxonomy, rsit, carding),
// a French and English label, the French legal qualifications the facts would be referred under,
// and the service such a referral usually goes to. Article numbers are as in force in 2025; the
// analyst qualifies the facts, Vigie only suggests.

import { CATEGORIES } from './types.ts';
import type { Category } from './types.ts';

export interface LegalBasis {
  /** The offence, in French as an analyst writes it in a referral. */
  offence: string;
  /** Code or statute and article, e.g. "Code pénal, art. 421-2-5". */
  reference: string;
}

export interface CategoryInfo {
  category: Category;
  labelFr: string;
  labelEn: string;
  /** MISP machine tags, `namespace:predicate="value"` (or `namespace:predicate` when the predicate has no values). */
  tags: readonly string[];
  legal: readonly LegalBasis[];
  /** Service a referral usually goes to (French police and justice organisation). */
  referral: string;
}

const ILLEGAL_CONTENT = 'europol-incident:abusive-content="content-forbidden-by-law"';

export const CATEGORY_INFO: Readonly<Record<Category, CategoryInfo>> = {
  terrorism: {
    category: 'terrorism',
    labelFr: 'Terrorisme (provocation, apologie, recrutement)',
    labelEn: 'Terrorism (incitement, glorification, recruitment)',
    tags: ['dark-web:topic="extremism"', 'dark-web:motivation="recruitment-advocacy"', 'content-classification:geopolitics-and-hacktivism="extremist"', ILLEGAL_CONTENT],
    legal: [
      { offence: "Provocation directe à des actes de terrorisme ou apologie publique de ces actes (aggravée en ligne)", reference: 'Code pénal, art. 421-2-5' },
      { offence: "Extraction, reproduction ou transmission de contenus provoquant au terrorisme ou en faisant l'apologie pour entraver leur retrait", reference: 'Code pénal, art. 421-2-5-1' },
      { offence: "Recrutement pour un groupement ou une entente terroriste", reference: 'Code pénal, art. 421-2-4' },
      { offence: 'Association de malfaiteurs en relation avec une entreprise terroriste', reference: 'Code pénal, art. 421-2-1' },
    ],
    referral: 'PNAT (parquet national antiterroriste) / DGSI, SDAT',
  },
  hate: {
    category: 'hate',
    labelFr: 'Haine et discrimination',
    labelEn: 'Hate and discrimination',
    tags: ['dark-web:motivation="hate-speech"', 'rsit:abusive-content="harmful-speech"', 'common-taxonomy:abusive-content="cse-racism-violence-incitement"', ILLEGAL_CONTENT],
    legal: [
      { offence: "Provocation publique à la discrimination, à la haine ou à la violence à raison de l'origine, de l'ethnie, de la nation, de la race ou de la religion", reference: 'Loi du 29 juillet 1881, art. 24, al. 7' },
      { offence: "Provocation publique à la haine ou à la violence à raison du sexe, de l'orientation sexuelle, de l'identité de genre ou du handicap", reference: 'Loi du 29 juillet 1881, art. 24, al. 8' },
      { offence: 'Injure publique à caractère raciste, religieux, sexiste, homophobe, transphobe ou handiphobe', reference: 'Loi du 29 juillet 1881, art. 33, al. 3 et 4' },
      { offence: "Contestation de crimes contre l'humanité (négationnisme)", reference: 'Loi du 29 juillet 1881, art. 24 bis' },
    ],
    referral: 'PNLH (pôle national de lutte contre la haine en ligne, parquet de Paris)',
  },
  'child-abuse': {
    category: 'child-abuse',
    labelFr: 'Atteintes aux mineurs (pédocriminalité)',
    labelEn: 'Child sexual abuse and exploitation',
    tags: ['dark-web:topic="child-sexual-abuse-material"', 'content-classification:illegal-markets="child-abuse-material"', 'common-taxonomy:abusive-content="cse-racism-violence-incitement"', ILLEGAL_CONTENT],
    legal: [
      { offence: "Enregistrement, diffusion, offre, détention ou consultation habituelle d'images ou représentations pédopornographiques", reference: 'Code pénal, art. 227-23' },
      { offence: 'Propositions sexuelles faites à un mineur de quinze ans par un moyen de communication électronique', reference: 'Code pénal, art. 227-22-1' },
      { offence: "Sollicitation par un majeur auprès d'un mineur de la diffusion d'images pornographiques de lui-même", reference: 'Code pénal, art. 227-23-1' },
      { offence: "Offres ou promesses faites à une personne afin qu'elle commette des crimes ou délits sexuels sur un mineur", reference: 'Code pénal, art. 227-28-3' },
    ],
    referral: 'OFMIN (office mineurs)',
  },
  drugs: {
    category: 'drugs',
    labelFr: 'Stupéfiants',
    labelEn: 'Drugs',
    tags: ['dark-web:topic="drugs-narcotics"', 'content-classification:illegal-markets="drugs"', 'dark-web:motivation="marketplace-for-sale"'],
    legal: [
      { offence: 'Transport, détention, offre, cession, acquisition ou emploi illicites de stupéfiants', reference: 'Code pénal, art. 222-37' },
      { offence: 'Cession ou offre illicites de stupéfiants à une personne en vue de sa consommation personnelle', reference: 'Code pénal, art. 222-39' },
      { offence: 'Provocation au trafic ou à l’usage de stupéfiants, ou présentation de ces infractions sous un jour favorable', reference: 'Code de la santé publique, art. L3421-4' },
    ],
    referral: 'OFAST (office anti-stupéfiants)',
  },
  weapons: {
    category: 'weapons',
    labelFr: 'Armes et explosifs',
    labelEn: 'Weapons and explosives',
    tags: ['dark-web:topic="weapons"', 'content-classification:illegal-markets="weapons"'],
    legal: [
      { offence: "Acquisition, détention ou cession sans autorisation de matériels de guerre, armes, éléments d'armes ou munitions des catégories A ou B (autorisation de l'art. L2332-1 du code de la défense ; art. L312-1 s. du code de la sécurité intérieure)", reference: 'Code pénal, art. 222-52' },
      { offence: "Acquisition, vente, livraison ou transport d'armes ou d'éléments essentiels dépourvus de marquage ou dont le marquage a été effacé", reference: 'Code pénal, art. 222-57' },
    ],
    referral: 'OCLCO (office central de lutte contre le crime organisé) ; douane (DNRED) pour l’importation',
  },
  fraud: {
    category: 'fraud',
    labelFr: 'Escroqueries, hameçonnage, faux sites marchands',
    labelEn: 'Scams, phishing, fake shops',
    tags: ['dark-web:motivation="scam"', 'content-classification:cybercrime="fraud-scams"', 'content-classification:cybercrime="phishing"', 'europol-incident:information-gathering="phishing"'],
    legal: [
      { offence: 'Escroquerie', reference: 'Code pénal, art. 313-1' },
      { offence: 'Collecte de données à caractère personnel par un moyen frauduleux, déloyal ou illicite (hameçonnage)', reference: 'Code pénal, art. 226-18' },
      { offence: "Usurpation de l'identité d'un tiers ou de données permettant de l'identifier", reference: 'Code pénal, art. 226-4-1' },
      { offence: 'Pratiques commerciales trompeuses (faux sites marchands)', reference: 'Code de la consommation, art. L121-2 et L132-2' },
    ],
    referral: "OFAC (office anti-cybercriminalité) ; signalement PHAROS / Perceval pour les victimes de fraude à la carte",
  },
  carding: {
    category: 'carding',
    labelFr: 'Fraude aux moyens de paiement (carding)',
    labelEn: 'Payment card fraud (carding)',
    tags: ['dark-web:topic="credit-card"', 'dark-web:structure="carding"', 'carding:product-service="credit-card-data"', 'content-classification:cybercrime="carding"'],
    legal: [
      { offence: "Contrefaçon ou falsification d'un instrument de paiement, usage ou acceptation en connaissance de cause", reference: 'Code monétaire et financier, art. L163-3' },
      { offence: "Fabrication, acquisition, détention, cession ou offre d'équipements, programmes ou données conçus pour contrefaire un instrument de paiement", reference: 'Code monétaire et financier, art. L163-4-1' },
      { offence: 'Escroquerie', reference: 'Code pénal, art. 313-1' },
      { offence: 'Recel (de données bancaires obtenues frauduleusement)', reference: 'Code pénal, art. 321-1' },
    ],
    referral: 'OFAC (office anti-cybercriminalité)',
  },
  'data-leak': {
    category: 'data-leak',
    labelFr: 'Fuite et revente de données',
    labelEn: 'Data leaks and credential dumps',
    tags: ['dark-web:structure="leaks"', 'dark-web:structure="creds-dumps"', 'content-classification:cybercrime="credential-dumps-data-leaks"', 'rsit:information-content-security="data-leak"'],
    legal: [
      { offence: "Extraction, détention, reproduction ou transmission frauduleuse de données d'un système de traitement automatisé", reference: 'Code pénal, art. 323-3' },
      { offence: "Accès ou maintien frauduleux dans un système de traitement automatisé de données", reference: 'Code pénal, art. 323-1' },
      { offence: 'Collecte frauduleuse de données à caractère personnel', reference: 'Code pénal, art. 226-18' },
      { offence: 'Recel de données obtenues frauduleusement', reference: 'Code pénal, art. 321-1' },
    ],
    referral: 'OFAC (office anti-cybercriminalité) ; CNIL pour le responsable de traitement',
  },
  hacking: {
    category: 'hacking',
    labelFr: 'Piratage, rançongiciels, DDoS et services d’intrusion',
    labelEn: 'Hacking, ransomware, DDoS and intrusion services',
    tags: ['dark-web:topic="hacking"', 'content-classification:cybercrime="hacking"', 'content-classification:illegal-markets="cybercriminal-services"'],
    legal: [
      { offence: "Offre, cession ou mise à disposition d'un programme, équipement ou donnée conçu pour attaquer un système (logiciel malveillant, accès vendus)", reference: 'Code pénal, art. 323-3-1' },
      { offence: "Accès ou maintien frauduleux dans un système de traitement automatisé de données", reference: 'Code pénal, art. 323-1' },
      { offence: "Entrave au fonctionnement d'un système de traitement automatisé de données (déni de service)", reference: 'Code pénal, art. 323-2' },
      { offence: 'Introduction, modification ou suppression frauduleuse de données (rançongiciel)', reference: 'Code pénal, art. 323-3' },
      { offence: 'Extorsion (demande de rançon)', reference: 'Code pénal, art. 312-1' },
    ],
    referral: 'OFAC (office anti-cybercriminalité) ; ANSSI / CERT-FR pour les victimes',
  },
  counterfeit: {
    category: 'counterfeit',
    labelFr: 'Contrefaçons, fausse monnaie, faux documents',
    labelEn: 'Counterfeit goods, money and documents',
    tags: ['dark-web:topic="counterfeit-materials"', 'content-classification:illegal-markets="counterfeiting"'],
    legal: [
      { offence: 'Offre à la vente, importation ou production de marchandises sous une marque contrefaisante (aggravé en ligne)', reference: 'Code de la propriété intellectuelle, art. L716-9' },
      { offence: 'Détention, offre à la vente ou vente de marchandises sous une marque contrefaisante', reference: 'Code de la propriété intellectuelle, art. L716-10' },
      { offence: 'Contrefaçon ou falsification de billets de banque ou de pièces ayant cours légal', reference: 'Code pénal, art. 442-1' },
      { offence: 'Transport, mise en circulation ou détention en vue de la mise en circulation de fausse monnaie', reference: 'Code pénal, art. 442-2' },
      { offence: "Faux dans un document délivré par une administration (passeport, carte d'identité, permis)", reference: 'Code pénal, art. 441-2' },
    ],
    referral: 'Douane (Cyberdouane, DNRED) ; OCRFM pour la fausse monnaie',
  },
  'human-trafficking': {
    category: 'human-trafficking',
    labelFr: 'Traite des êtres humains, proxénétisme, trafic de migrants',
    labelEn: 'Human trafficking, pimping, migrant smuggling',
    tags: ['europol-event:content-forbidden-by-law', 'dark-web:motivation="smuggling"', ILLEGAL_CONTENT],
    legal: [
      { offence: 'Traite des êtres humains', reference: 'Code pénal, art. 225-4-1' },
      { offence: 'Proxénétisme', reference: 'Code pénal, art. 225-5' },
      { offence: "Recours à la prostitution d'un mineur", reference: 'Code pénal, art. 225-12-1' },
      { offence: "Aide à l'entrée, à la circulation ou au séjour irréguliers d'un étranger", reference: "Code de l'entrée et du séjour des étrangers et du droit d'asile, art. L823-1" },
    ],
    referral: 'OCRTEH (traite des êtres humains) ; OLTIM pour le trafic de migrants',
  },
};

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

export function categoryTags(category: Category): readonly string[] {
  return CATEGORY_INFO[category].tags;
}

export function categoryLabel(category: Category, language: 'fr' | 'en' = 'fr'): string {
  const info = CATEGORY_INFO[category];
  return language === 'fr' ? info.labelFr : info.labelEn;
}

/** One line per legal basis, "offence (reference)", for referral exports. */
export function legalQualification(category: Category): string[] {
  return CATEGORY_INFO[category].legal.map((l) => `${l.offence} (${l.reference})`);
}

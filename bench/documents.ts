/** A benchmark document: its id is also written into its text, so that simulator requests can be traced to it. */
export interface BenchDocument {
  id: string;
  text: string;
}

const SENTENCES: Record<string, readonly string[]> = {
  technical: [
    'After the deploy the API server started returning errors and latency on the checkout endpoint doubled.',
    'The database query behind the report scans the whole table; an index would cut its CPU time.',
    'A memory leak in the backend worker crashes the container every few hours under load.',
    'The kubernetes cluster lost two nodes, and the cache warmed up slowly once they came back.',
    'Engineers traced the outage to a network timeout between the frontend and the billing microservice.',
  ],
  business: [
    'Quarterly revenue grew eleven percent while the gross margin held steady against the forecast.',
    'Customers in the mid-market segment renewed at a higher rate after the pricing change.',
    'The board asked for a revised budget and a clearer growth strategy for the next two quarters.',
    'Sales closed three enterprise deals, and investors asked about the expected return on the acquisition.',
    'Market share in the northern region slipped, and the earnings call will have to explain why.',
  ],
  legal: [
    'The contract clause limits liability to the fees paid in the twelve months before the breach.',
    'Counsel recommends adding an indemnity for intellectual property claims before the agreement is signed.',
    'The regulator opened an inquiry into GDPR compliance of the customer data export.',
    'The defendant filed a motion to move the lawsuit to another jurisdiction.',
    'Our NDA with the supplier expires next month and the warranty terms need another review by an attorney.',
  ],
  marketing: [
    'The spring campaign reached a new audience on social media and doubled newsletter sign-ups.',
    'Brand engagement rose after the influencer launch, though the click-through rate stayed flat.',
    'The webinar funnel converts well; conversion from the press release was lower than planned.',
    'We will shift advertising spend from display ads to search and measure impressions weekly.',
    'The promotion for the product launch needs a landing page and an SEO review before Friday.',
  ],
};

const FILLER = [
  'The notes below were collected from the weekly meeting.',
  'Several people contributed comments over the last few days.',
  'A follow-up is planned once everyone has had a chance to read this.',
  'Please reply to the thread with any corrections.',
];

/** A small deterministic PRNG (mulberry32), so that every run classifies the same documents. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` documents of 4 to 6 sentences (about 100 to 150 simulator tokens), each clearly about one default category,
 * so that the simulator answers with confidence above Docket's review threshold and every document can complete.
 */
export function generateDocuments(prefix: string, count: number, seed = 1): BenchDocument[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const categories = Object.keys(SENTENCES);
  const width = String(count - 1).length;
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-${String(i).padStart(width, '0')}`;
    const sentences = SENTENCES[pick(categories)] ?? [];
    const body = Array.from({ length: 3 + Math.floor(random() * 3) }, () => pick(sentences));
    return { id, text: `Document ${id}. ${pick(FILLER)} ${body.join(' ')}` };
  });
}

/** The document id written at the start of a document's text (and so of every request made for it). */
export function documentIdOf(userText: string): string | undefined {
  return /^Document (\S+)\./m.exec(userText)?.[1];
}

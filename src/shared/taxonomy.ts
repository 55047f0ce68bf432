import { z } from 'zod';

/** A named set of categories a document is classified into. Travels in the workflow input. */
export const taxonomySchema = z.object({
  name: z.string().min(1),
  categories: z.array(z.string().min(1)).min(2),
});
export type Taxonomy = z.infer<typeof taxonomySchema>;

export const DEFAULT_TAXONOMY: Taxonomy = {
  name: 'default',
  categories: ['technical', 'business', 'legal', 'marketing', 'other'],
};

/**
 * How the ApplicationSet schema refuses what Argo CD has and trueup does not implement: each
 * refusal is a CEL rule (kubectl apply) and a zod check (the controller) with the same message.
 */
import { z } from 'zod';

/** With `refuse(name, message)`: the field is in the schema only to be refused with a message. */
export const opaque = z
  .record(z.string(), z.unknown())
  .meta({ 'x-kubernetes-preserve-unknown-fields': true });

/** The CEL side of `refuse`: each field, when set, is refused with its message. */
export function refusals(fields: Record<string, string>) {
  return Object.entries(fields).map(([field, message]) => ({ rule: `!has(self.${field})`, message }));
}

/** The zod side of `refusals`: the controller refuses with the same messages as kubectl. */
export function refuse(fields: Record<string, string>) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [field, message] of Object.entries(fields)) {
      if (value[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message });
    }
  };
}

/** Exactly one of `fields` is set (the zod side of `oneOfRule`). */
export function exactlyOne(fields: readonly string[], message: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (fields.filter((f) => value[f] !== undefined).length !== 1) ctx.addIssue({ code: 'custom', message });
  };
}

/** The CEL side of `exactlyOne`. */
export const oneOfRule = (fields: readonly string[]) =>
  `${fields.map((f) => `(has(self.${f}) ? 1 : 0)`).join(' + ')} == 1`;

/** An http(s) URL (no SSH, no other scheme): any other is refused with `message`. */
export function httpUrl(message: string) {
  return z
    .string()
    .min(1)
    .max(2048)
    .meta({
      'x-kubernetes-validations': [
        { rule: "self.startsWith('https://') || self.startsWith('http://')", message },
      ],
    })
    .refine((v) => /^https?:\/\//.test(v), message);
}

export const PER_GENERATOR_TEMPLATE = 'a per-generator template is not supported: use spec.template';

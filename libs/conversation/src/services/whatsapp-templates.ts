/**
 * WhatsApp message templates an account registered with Meta (or, for Twilio WhatsApp senders,
 * with Twilio's Content API). Outside the 24-hour window only these may be sent.
 */
export interface WhatsAppTemplate {
  /** The template's name as approved (lower case, digits, underscores). */
  name: string;
  /** Its language code as approved (`en`, `en_US`, `pt_BR`, …). */
  language: string;
  /**
   * Names of its body variables, in placeholder order: `variables[0]` fills `{{1}}` (positional
   * templates), or the parameter names themselves (`{{guest_name}}`, named templates).
   */
  variables: string[];
  /** How the template was approved: numbered `{{1}}` placeholders (default) or named ones (Cloud API). */
  parameterFormat?: 'positional' | 'named';
  /** Its body text with its placeholders: what the inbox shows for a sent template. */
  body?: string;
  /** Twilio WhatsApp senders: the Content SID the template was registered under. */
  contentSid?: string;
}

const NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const VARIABLE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
/** Meta's rule for named parameters: lower-case letters, digits and underscores. */
const NAMED_VARIABLE = /^[a-z_][a-z0-9_]{0,39}$/;
const CONTENT_SID = /^HX[0-9a-f]{32}$/;
const MAX_TEMPLATES = 100;
const MAX_VARIABLES = 20;
/** WhatsApp refuses body parameters with line breaks, tabs or more than four spaces in a row. */
const BAD_PARAMETER = /[\n\r\t]| {5,}/;
const MAX_PARAMETER = 1024;

/** Why a `templates` setting is not acceptable, or undefined when it is. */
export function templatesProblem(value: unknown, twilio: boolean): string | undefined {
  if (!Array.isArray(value)) return 'must be a list of templates';
  if (value.length > MAX_TEMPLATES) return `holds at most ${MAX_TEMPLATES} templates`;
  const seen = new Set<string>();
  for (const [i, t] of (value as unknown[]).entries()) {
    const at = `[${i}]`;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) return `${at} must be an object`;
    const { name, language, variables, body, contentSid, parameterFormat, ...rest } = t as Record<
      string,
      unknown
    >;
    const unknown = Object.keys(rest)[0];
    if (unknown) return `${at} has an unknown field ${unknown}`;
    if (typeof name !== 'string' || !NAME.test(name))
      return `${at}.name must be lower-case letters, digits and underscores`;
    if (typeof language !== 'string' || !LANGUAGE.test(language))
      return `${at}.language must be a language code such as en or en_US`;
    if (seen.has(`${name}/${language}`)) return `${at} repeats ${name} in ${language}`;
    seen.add(`${name}/${language}`);
    if (parameterFormat !== undefined && parameterFormat !== 'positional' && parameterFormat !== 'named')
      return `${at}.parameterFormat must be positional or named`;
    const named = parameterFormat === 'named';
    if (named && twilio) return `${at}.parameterFormat named is for WhatsApp Cloud accounts`;
    const pattern = named ? NAMED_VARIABLE : VARIABLE;
    if (
      !Array.isArray(variables) ||
      variables.length > MAX_VARIABLES ||
      !variables.every((v) => typeof v === 'string' && pattern.test(v)) ||
      new Set(variables).size !== variables.length
    )
      return `${at}.variables must be up to ${MAX_VARIABLES} distinct names (${named ? 'lower-case ' : ''}letters, digits, underscores)`;
    if (body !== undefined) {
      if (typeof body !== 'string' || body.length === 0 || body.length > 1024)
        return `${at}.body must be text of 1-1024 characters`;
      const used = new Set([...body.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]));
      const expected = (variables as string[]).map((v, n) => (named ? v : String(n + 1)));
      if (used.size !== expected.length || !expected.every((p) => used.has(p)))
        return named
          ? `${at}.body must use exactly the placeholders ${expected.map((p) => `{{${p}}}`).join(', ') || '(none)'}`
          : `${at}.body must use exactly the placeholders {{1}} to {{${variables.length}}}`;
    }
    if (twilio && (typeof contentSid !== 'string' || !CONTENT_SID.test(contentSid)))
      return `${at}.contentSid must be the template's Twilio Content SID (HX and 32 hex digits)`;
    if (!twilio && contentSid !== undefined) return `${at}.contentSid is for Twilio WhatsApp senders only`;
  }
  return undefined;
}

/** The templates in an account's settings (validated when they were saved). */
export function registeredTemplates(settings: Record<string, unknown>): WhatsAppTemplate[] {
  return Array.isArray(settings.templates) ? (settings.templates as WhatsAppTemplate[]) : [];
}

export type TemplateChoice =
  | { template: WhatsAppTemplate; parameters: string[] }
  | { problem: 'unknown_template' | 'ambiguous_language'; message: string }
  | { problem: 'invalid_variables'; errors: { field: string; message: string }[] };

/**
 * The registered template a message asks for, with its values in placeholder order. Without a
 * language, the name must be registered in exactly one.
 */
export function chooseTemplate(
  templates: WhatsAppTemplate[],
  ask: { name: string; language?: string; variables?: Record<string, unknown> },
): TemplateChoice {
  const named = templates.filter((t) => t.name === ask.name);
  const matches = ask.language ? named.filter((t) => t.language === ask.language) : named;
  if (matches.length === 0)
    return {
      problem: 'unknown_template',
      message: `This channel has no template ${ask.name}${ask.language ? ` in ${ask.language}` : ''}.`,
    };
  if (matches.length > 1)
    return {
      problem: 'ambiguous_language',
      message: `Template ${ask.name} exists in ${matches.map((t) => t.language).join(', ')}: say which language.`,
    };
  const template = matches[0];
  const given = ask.variables ?? {};
  const errors: { field: string; message: string }[] = [];
  for (const key of Object.keys(given))
    if (!template.variables.includes(key))
      errors.push({ field: `template.variables.${key}`, message: `${template.name} has no variable ${key}` });
  const parameters = template.variables.map((name) => {
    const value = given[name];
    const field = `template.variables.${name}`;
    if (typeof value !== 'string' || value.trim() === '')
      errors.push({ field, message: `${field} is required (non-empty text)` });
    else if (value.length > MAX_PARAMETER)
      errors.push({ field, message: `${field} must be at most ${MAX_PARAMETER} characters` });
    else if (BAD_PARAMETER.test(value))
      errors.push({
        field,
        message: `${field} may not hold line breaks, tabs or more than four spaces in a row`,
      });
    return typeof value === 'string' ? value : '';
  });
  return errors.length > 0 ? { problem: 'invalid_variables', errors } : { template, parameters };
}

/** What the inbox shows for a sent template: its body filled in, or its name and values. */
export function renderTemplate(template: WhatsAppTemplate, parameters: string[]): string {
  const named = template.parameterFormat === 'named';
  if (template.body)
    return template.body.replace(/\{\{(\w+)\}\}/g, (whole, p: string) => {
      const i = named ? template.variables.indexOf(p) : Number(p) - 1;
      return parameters[i] ?? whole;
    });
  const values = template.variables.map((v, i) => `${v}: ${parameters[i]}`).join(', ');
  return `[template ${template.name} (${template.language})${values ? ` ${values}` : ''}]`;
}

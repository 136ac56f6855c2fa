import { defaultPropertySettings, mergeSettings, withDefaults } from './property-settings';

type Json = Record<string, unknown>;

const defaults = (name = 'Hotel Lisboa') => defaultPropertySettings(name) as unknown as Json;

describe(mergeSettings.name, () => {
  it('merges nested objects key by key, keeping keys the patch does not name', () => {
    const merged = mergeSettings(defaults(), { channels: { sms: false } });

    expect(merged.channels).toEqual({ whatsapp: true, sms: false, email: true, webchat: true });
    expect(merged.features).toEqual(defaults().features);
  });

  it('replaces arrays instead of merging them', () => {
    const current = { ...defaults(), supportedLanguages: ['en', 'pt', 'es'] };

    const merged = mergeSettings(current, { supportedLanguages: ['fr'] });

    expect(merged.supportedLanguages).toEqual(['fr']);
  });

  it('replaces scalars, and null clears a value', () => {
    const current = mergeSettings(defaults(), {
      branding: { logoUrl: 'https://cdn.example.com/logo.png' },
      country: 'PT',
    });

    const merged = mergeSettings(current, {
      escalation: { threshold: 0.9 },
      defaultLanguage: 'pt',
      branding: { logoUrl: null },
      country: null,
    });

    expect(merged).toMatchObject({
      escalation: { threshold: 0.9 },
      defaultLanguage: 'pt',
      branding: { name: 'Hotel Lisboa', primaryColor: '#1f4e79', logoUrl: null },
      country: null,
    });
  });

  it('ignores keys whose value is undefined', () => {
    const merged = mergeSettings(defaults(), { country: undefined, channels: { email: undefined } });

    expect(merged).toEqual(defaults());
  });

  it('takes an object from the patch as it is when the stored value is not an object', () => {
    const merged = mergeSettings({ escalation: 0.5 }, { escalation: { threshold: 0.8 } });

    expect(merged.escalation).toEqual({ threshold: 0.8 });
  });

  it('adds keys the stored settings do not have yet', () => {
    const merged = mergeSettings({ defaultLanguage: 'en' }, { features: { translation: false } });

    expect(merged).toEqual({ defaultLanguage: 'en', features: { translation: false } });
  });

  it('leaves its inputs unchanged', () => {
    const current = defaults();
    const patch = { channels: { sms: false }, supportedLanguages: ['pt'] };

    mergeSettings(current, patch);

    expect(current).toEqual(defaults());
    expect(patch).toEqual({ channels: { sms: false }, supportedLanguages: ['pt'] });
  });
});

describe(withDefaults.name, () => {
  it('answers every default, with the property name as brand name, when nothing is stored', () => {
    expect(withDefaults('Hotel Porto', {})).toEqual(defaultPropertySettings('Hotel Porto'));
    expect(withDefaults('Hotel Porto', {}).branding.name).toBe('Hotel Porto');
  });

  it('lays stored settings over the defaults, nested keys included', () => {
    const settings = withDefaults('Hotel Porto', {
      channels: { whatsapp: false },
      branding: { name: 'Porto Riverside' },
      supportedLanguages: ['pt', 'en'],
    });

    expect(settings.channels).toEqual({ whatsapp: false, sms: true, email: true, webchat: true });
    expect(settings.branding).toEqual({ name: 'Porto Riverside', primaryColor: '#1f4e79', logoUrl: null });
    expect(settings.supportedLanguages).toEqual(['pt', 'en']);
    expect(settings.features).toEqual(defaultPropertySettings('Hotel Porto').features);
  });
});

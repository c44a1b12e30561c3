/** A customer's own details (name, country, language, time zone), editable by supervisors and administrators. */
import { useEffect, useState } from 'preact/hooks';
import { patch, type Customer } from '../../api';
import { formatInstant } from '../../format';
import { lang, type Lang } from '../../i18n';
import { tx } from '../../i18n-managers';

/** Every IANA zone this browser knows, for the time zone picker. */
const ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

/**
 * Codes the browser names that are not countries of ISO 3166-1: groupings (EU, EZ, UN, QO), the unknown
 * region (ZZ), user-assigned X codes, and exceptionally reserved ones. The API refuses the same codes.
 */
const NOT_COUNTRIES = /^(EU|EZ|UN|QO|ZZ|X[A-Z]|AC|CP|CQ|DG|EA|IC|TA)$/;
const countryLists = new Map<Lang, readonly { code: string; name: string }[]>();
/**
 * Every country, named in `language` and sorted by name: each two-letter code the browser can name that is a
 * country and not a withdrawn alias (UK, DD, SU... canonicalize to GB, DE, RU). No table to keep up to date.
 */
function countries(language: Lang): readonly { code: string; name: string }[] {
  let list = countryLists.get(language);
  if (list === undefined) {
    const names = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    const found: { code: string; name: string }[] = [];
    for (let first = 65; first <= 90; first++) {
      for (let second = 65; second <= 90; second++) {
        const code = String.fromCharCode(first, second);
        const name = names.of(code);
        if (name === undefined || NOT_COUNTRIES.test(code)) continue;
        if (new Intl.Locale('und', { region: code }).region !== code) continue;
        found.push({ code, name });
      }
    }
    const collator = new Intl.Collator(language);
    list = found.sort((a, b) => collator.compare(a.name, b.name));
    countryLists.set(language, list);
  }
  return list;
}

/** The countries to offer, with a stored code that is not among them (an old alias, say) kept selectable. */
function countryOptions(stored: string | null): readonly { code: string; name: string }[] {
  const list = countries(lang());
  if (stored === null || list.some((c) => c.code === stored)) return list;
  const names = new Intl.DisplayNames([lang()], { type: 'region', fallback: 'code' });
  let name = stored;
  try {
    name = `${names.of(stored) ?? stored} (${stored})`;
  } catch {
    // Not even shaped like a region code: shown as stored.
  }
  return [{ code: stored, name }, ...list];
}

export function CustomerForm(props: {
  customer: Customer;
  canEdit: boolean;
  onSaved: (c: Customer) => void;
}) {
  const c = props.customer;
  const [name, setName] = useState(c.name);
  const [country, setCountry] = useState(c.country ?? '');
  const [locale, setLocale] = useState(c.locale);
  const [zone, setZone] = useState(c.timeZone ?? '');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    setName(c.name);
    setCountry(c.country ?? '');
    setLocale(c.locale);
    setZone(c.timeZone ?? '');
  }, [c]);

  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const saved = await patch<Customer>(`/v1/customers/${encodeURIComponent(c.id)}`, {
        expectedVersion: c.version,
        ...(name.trim() !== c.name && { name: name.trim() }),
        ...(country !== (c.country ?? '') && { country: country === '' ? null : country }),
        ...(locale !== c.locale && { locale }),
        ...(zone !== (c.timeZone ?? '') && { timeZone: zone === '' ? null : zone }),
      });
      setStatus({ ok: true, text: tx('saved') });
      props.onSaved(saved);
    } catch (err) {
      setStatus({ ok: false, text: (err as Error).message });
    }
  };
  const zones = c.timeZone !== null && !ZONES.includes(c.timeZone) ? [c.timeZone, ...ZONES] : ZONES;

  return (
    <form class="card" aria-labelledby="customer-form-title" onSubmit={(e) => void save(e)}>
      <h3 id="customer-form-title">{tx('editCustomer')}</h3>
      <fieldset disabled={!props.canEdit} class="grid2">
        <div class="field">
          <label for="cu-name">{tx('name')}</label>
          <input
            id="cu-name"
            required
            maxLength={200}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="cu-country">{tx('country')}</label>
          <select id="cu-country" value={country} onChange={(e) => setCountry(e.currentTarget.value)}>
            <option value="">{tx('noCountry')}</option>
            {countryOptions(c.country).map((o) => (
              <option key={o.code} value={o.code}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="cu-locale">{tx('language')}</label>
          <select id="cu-locale" value={locale} onChange={(e) => setLocale(e.currentTarget.value)}>
            <option value="es">{tx('langEs')}</option>
            <option value="en">{tx('langEn')}</option>
          </select>
        </div>
        <div class="field">
          <label for="cu-zone">{tx('timeZone')}</label>
          <select id="cu-zone" value={zone} onChange={(e) => setZone(e.currentTarget.value)}>
            <option value="">{tx('noZone')}</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
      {c.timeZone !== null && (
        <p class="muted" data-testid="customer-local-time">
          {tx('localTime')}: {formatInstant(Date.now(), c.timeZone)}
        </p>
      )}
      {props.canEdit ? <button type="submit">{tx('save')}</button> : <p class="muted">{tx('readOnly')}</p>}
      {status && (
        <p role={status.ok ? 'status' : 'alert'} class={status.ok ? 'ok' : 'refusal'}>
          {status.text}
        </p>
      )}
    </form>
  );
}

/** A customer's own details (name, country, language, time zone), editable by supervisors and administrators. */
import { useEffect, useState } from 'preact/hooks';
import { patch, type Customer } from '../../api';
import { formatInstant } from '../../format';
import { tx } from '../../i18n-managers';

/** Every IANA zone this browser knows, for the time zone picker. */
const ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

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
        ...(country !== (c.country ?? '') && { country: country === '' ? null : country.toUpperCase() }),
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
          <input
            id="cu-country"
            maxLength={2}
            pattern="[A-Za-z]{2}"
            value={country}
            onInput={(e) => setCountry(e.currentTarget.value)}
          />
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

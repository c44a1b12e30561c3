/**
 * One contract: its term and how its quota resets, quota used, add-on packs with their balance, and (for
 * supervisors and administrators) editing of plan, dates and product, authorized requesters, licences,
 * buying a pack and ending the contract.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, patch, post, type Contract, type QuotaItem } from '../../api';
import { formatInstant } from '../../format';
import { lang, t } from '../../i18n';
import { termAndQuota, tx } from '../../i18n-managers';
import { ConfirmButton } from './confirm';
import { CheckField, ListEditor, TextField } from './list-editor';

interface Text {
  es: string;
  en: string;
}
/** The parts of the contract's policy version these screens use. */
interface PolicyDoc {
  plans: { id: string; name: Text; quota: number | null; period: 'month' | 'year' }[];
  addOnPacks?: { id: string; name: Text; tickets: number; validDays: number }[];
}
interface Requester {
  name: string;
  email?: string;
  role?: string;
  portalUser?: boolean;
}
interface TrainedUser {
  name?: string;
  email?: string;
  modules: string[];
}
interface Licence {
  id?: string;
  trial: boolean;
  holder?: string;
  holderKind?: string;
  validUntil?: number;
  updatesUntil?: number;
}

/** `yyyy-mm-dd` of an instant in the viewer's zone, for date inputs. */
function dateInput(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
/** Local midnight of a `yyyy-mm-dd` date input, as an ISO instant. */
const fromDateInput = (value: string): string => new Date(`${value}T00:00:00`).toISOString();

export function ContractCard(props: {
  contract: Contract;
  usage: QuotaItem | undefined;
  canEdit: boolean;
  onChanged: () => void;
}) {
  const c = props.contract;
  const [policy, setPolicy] = useState<PolicyDoc | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    void get<{ document: PolicyDoc }>(
      `/v1/policies/${encodeURIComponent(c.policyId)}/versions/${c.policyVersion}`,
    ).then(
      (v) => setPolicy(v.document),
      () => setPolicy(null),
    );
  }, [c.policyId, c.policyVersion]);

  /**
   * Applies `changes` to the version of the contract this screen shows (409 when someone changed it since).
   * The card stays mounted while the parent reloads the contract, so the confirmation stays on screen.
   */
  const save = async (changes: Record<string, unknown>) => {
    // Cleared first so that a second confirmation in a row is announced again.
    setStatus(null);
    try {
      await patch<Contract>(`/v1/contracts/${encodeURIComponent(c.id)}`, {
        expectedVersion: c.version,
        ...changes,
      });
      setStatus({ ok: true, text: tx('saved') });
      props.onChanged();
    } catch (err) {
      setStatus({ ok: false, text: (err as Error).message });
    }
  };

  const planName = (id: string) => policy?.plans.find((p) => p.id === id)?.name[lang()] ?? id;
  const usage = props.usage;
  const livePacks = usage?.packs.filter((p) => !p.expired) ?? [];
  const packBalance = livePacks.reduce((sum, p) => sum + p.remaining, 0);
  const requesters = c.requesters as Requester[];
  const licences = c.licenses as Licence[];
  const ended = Date.parse(c.endsAt) <= Date.now();

  return (
    <div class="card" data-contract={c.id} aria-labelledby={`contract-${c.id}`}>
      <h4 id={`contract-${c.id}`}>
        {tx('contract')} {c.id} · {tx('plan')} <strong>{planName(c.plan)}</strong>
      </h4>
      <dl class="facts">
        <dt>{tx('termAndQuota')}</dt>
        <dd data-testid="term-and-quota">{termAndQuota(c.period, c.quota?.resets)}</dd>
        <dt>
          {tx('startsAt')} – {tx('endsAt')}
        </dt>
        <dd>
          {formatInstant(Date.parse(c.startsAt))} – {formatInstant(Date.parse(c.endsAt))}
        </dd>
        {c.quota && (
          <>
            <dt>{tx('includedPerPeriod')}</dt>
            <dd>{c.quota.included === null ? t('unlimited') : c.quota.included}</dd>
            <dt>{tx('currentPeriod')}</dt>
            <dd>
              {formatInstant(Date.parse(c.quota.currentPeriod.start))} –{' '}
              {formatInstant(Date.parse(c.quota.currentPeriod.end))}
            </dd>
          </>
        )}
        {usage && (
          <>
            <dt>{tx('usedIncluded')}</dt>
            <dd data-testid="quota-used">
              {usage.used} / {usage.quota === null ? t('unlimited') : usage.quota}
            </dd>
            <dt>{tx('packBalance')}</dt>
            <dd data-testid="pack-balance">{tx('ticketsLeft', { n: packBalance })}</dd>
          </>
        )}
      </dl>
      {status && (
        <p role={status.ok ? 'status' : 'alert'} class={status.ok ? 'ok' : 'refusal'}>
          {status.text}
        </p>
      )}
      {props.canEdit && (
        <ContractForm
          // A new version of the contract refills the form's fields from it.
          key={c.version}
          contract={c}
          policy={policy}
          planName={planName}
          onSave={save}
          ended={ended}
        />
      )}
      <Requesters contractId={c.id} requesters={requesters} canEdit={props.canEdit} onSave={save} />
      <Licences contractId={c.id} licences={licences} canEdit={props.canEdit} onSave={save} />
      <TrainedUsers
        contractId={c.id}
        users={c.trainedUsers as TrainedUser[]}
        canEdit={props.canEdit}
        onSave={save}
      />
      <Packs
        contract={c}
        usage={usage}
        offered={policy?.addOnPacks ?? []}
        canEdit={props.canEdit}
        onBought={() => {
          setStatus({ ok: true, text: tx('bought') });
          props.onChanged();
        }}
        onError={(text) => setStatus({ ok: false, text })}
      />
    </div>
  );
}

function ContractForm(props: {
  contract: Contract;
  policy: PolicyDoc | null;
  planName: (id: string) => string;
  onSave: (changes: Record<string, unknown>) => Promise<void>;
  ended: boolean;
}) {
  const c = props.contract;
  const [plan, setPlan] = useState(c.plan);
  const [term, setTerm] = useState(c.period);
  const [starts, setStarts] = useState(dateInput(c.startsAt));
  const [ends, setEnds] = useState(dateInput(c.endsAt));
  const [product, setProduct] = useState(c.product ?? '');
  const id = (field: string) => `ct-${c.id}-${field}`;
  const plans = props.policy?.plans ?? [];
  return (
    <form
      aria-label={tx('editContract')}
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSave({
          ...(plan !== c.plan && { plan }),
          ...(term !== c.period && { period: term }),
          ...(starts !== dateInput(c.startsAt) && { startsAt: fromDateInput(starts) }),
          ...(ends !== dateInput(c.endsAt) && { endsAt: fromDateInput(ends) }),
          ...(product !== (c.product ?? '') && { product: product.trim() === '' ? null : product.trim() }),
        });
      }}
    >
      <h5>{tx('editContract')}</h5>
      <div class="grid2">
        <div class="field">
          <label for={id('plan')}>{tx('plan')}</label>
          <select id={id('plan')} value={plan} onChange={(e) => setPlan(e.currentTarget.value)}>
            {(plans.some((p) => p.id === c.plan) ? plans : [{ id: c.plan }, ...plans]).map((p) => (
              <option key={p.id} value={p.id}>
                {props.planName(p.id)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={id('term')}>{tx('term')}</label>
          <select id={id('term')} value={term} onChange={(e) => setTerm(e.currentTarget.value)}>
            <option value="monthly">{tx('termMonthly')}</option>
            <option value="yearly">{tx('termYearly')}</option>
          </select>
        </div>
        <div class="field">
          <label for={id('starts')}>{tx('startsAt')}</label>
          <input
            id={id('starts')}
            type="date"
            required
            value={starts}
            onInput={(e) => setStarts(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={id('ends')}>{tx('endsAt')}</label>
          <input
            id={id('ends')}
            type="date"
            required
            value={ends}
            onInput={(e) => setEnds(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={id('product')}>{tx('product')}</label>
          <input
            id={id('product')}
            maxLength={100}
            value={product}
            onInput={(e) => setProduct(e.currentTarget.value)}
          />
        </div>
      </div>
      <button type="submit">{tx('save')}</button>{' '}
      {!props.ended && (
        <ConfirmButton
          label={tx('endContract')}
          question={tx('confirmEnd')}
          onConfirm={() => props.onSave({ endsAt: new Date().toISOString() })}
        />
      )}
    </form>
  );
}

function Requesters(props: {
  contractId: string;
  requesters: Requester[];
  canEdit: boolean;
  onSave: (changes: Record<string, unknown>) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [portalUser, setPortalUser] = useState(true);
  return (
    <ListEditor<Requester>
      title={tx('requesters')}
      empty={tx('noRequesters')}
      items={props.requesters}
      keyOf={(r, i) => `${r.email ?? ''}-${i}`}
      show={(r) => (
        <>
          {r.name} {r.email && <span class="muted">&lt;{r.email}&gt;</span>}{' '}
          {r.portalUser && <span class="muted">· {tx('portalUser')}</span>}
        </>
      )}
      nameOf={(r) => r.name}
      removeLabel={tx('remove')}
      removeQuestion={(who) => tx('confirmRemove', { name: who })}
      canEdit={props.canEdit}
      onSave={(requesters) => props.onSave({ requesters })}
      addLabel={tx('addRequester')}
      build={() => ({
        name: name.trim(),
        ...(email.trim() !== '' && { email: email.trim().toLowerCase() }),
        portalUser,
      })}
      reset={() => {
        setName('');
        setEmail('');
      }}
      fields={
        <>
          <TextField
            id={`rq-name-${props.contractId}`}
            label={tx('requesterName')}
            required
            maxLength={200}
            value={name}
            onValue={setName}
          />
          <TextField
            id={`rq-email-${props.contractId}`}
            label={tx('requesterEmail')}
            type="email"
            maxLength={254}
            value={email}
            onValue={setEmail}
          />
          <CheckField
            id={`rq-portal-${props.contractId}`}
            label={tx('portalUser')}
            checked={portalUser}
            onChecked={setPortalUser}
          />
        </>
      }
    />
  );
}

function Licences(props: {
  contractId: string;
  licences: Licence[];
  canEdit: boolean;
  onSave: (changes: Record<string, unknown>) => Promise<void>;
}) {
  const [holder, setHolder] = useState('');
  const [trial, setTrial] = useState(false);
  const [validUntil, setValidUntil] = useState('');
  return (
    <ListEditor<Licence>
      title={tx('licences')}
      empty={tx('noLicences')}
      items={props.licences}
      keyOf={(l, i) => `${l.id ?? ''}-${i}`}
      show={(l) => (
        <>
          {l.holder ?? l.id ?? '—'} {l.trial && <span class="muted">· {tx('trial')}</span>} ·{' '}
          {tx('validUntil')} {l.validUntil === undefined ? tx('perpetual') : formatInstant(l.validUntil)}
        </>
      )}
      nameOf={(l) => l.holder ?? l.id ?? ''}
      removeLabel={tx('remove')}
      removeQuestion={(which) => tx('confirmRemoveLicence', { name: which })}
      canEdit={props.canEdit}
      onSave={(licenses) => props.onSave({ licenses })}
      addLabel={tx('addLicence')}
      build={() => ({
        trial,
        ...(holder.trim() !== '' && { holder: holder.trim() }),
        ...(validUntil !== '' && { validUntil: Date.parse(fromDateInput(validUntil)) }),
      })}
      reset={() => {
        setHolder('');
        setValidUntil('');
      }}
      fields={
        <>
          <TextField
            id={`li-holder-${props.contractId}`}
            label={tx('holder')}
            maxLength={200}
            value={holder}
            onValue={setHolder}
          />
          <TextField
            id={`li-valid-${props.contractId}`}
            label={tx('validUntil')}
            type="date"
            value={validUntil}
            onValue={setValidUntil}
          />
          <CheckField
            id={`li-trial-${props.contractId}`}
            label={tx('trial')}
            checked={trial}
            onChecked={setTrial}
          />
        </>
      }
    />
  );
}

/** People trained in product modules (the policy's trained-users rule reads them). */
function TrainedUsers(props: {
  contractId: string;
  users: TrainedUser[];
  canEdit: boolean;
  onSave: (changes: Record<string, unknown>) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [modules, setModules] = useState('');
  const who = (u: TrainedUser) => u.name ?? u.email ?? '—';
  return (
    <ListEditor<TrainedUser>
      title={tx('trainedUsers')}
      empty={tx('noTrainedUsers')}
      items={props.users}
      keyOf={(u, i) => `${who(u)}-${i}`}
      show={(u) => (
        <>
          {who(u)} · {tx('modules')}: {u.modules.join(', ')}
        </>
      )}
      nameOf={who}
      removeLabel={tx('remove')}
      removeQuestion={(person) => tx('confirmRemoveTrained', { name: person })}
      canEdit={props.canEdit}
      onSave={(trainedUsers) => props.onSave({ trainedUsers })}
      addLabel={tx('addTrainedUser')}
      build={() => ({
        name: name.trim(),
        modules: modules
          .split(',')
          .map((m) => m.trim())
          .filter((m) => m !== ''),
      })}
      reset={() => {
        setName('');
        setModules('');
      }}
      fields={
        <>
          <TextField
            id={`tu-name-${props.contractId}`}
            label={tx('name')}
            required
            maxLength={200}
            value={name}
            onValue={setName}
          />
          <TextField
            id={`tu-modules-${props.contractId}`}
            label={tx('modulesHint')}
            required
            maxLength={500}
            value={modules}
            onValue={setModules}
          />
        </>
      }
    />
  );
}

function Packs(props: {
  contract: Contract;
  usage: QuotaItem | undefined;
  offered: NonNullable<PolicyDoc['addOnPacks']>;
  canEdit: boolean;
  onBought: () => void;
  onError: (text: string) => void;
}) {
  const [packId, setPackId] = useState('');
  // One key per purchase: a retried click (or a lost answer) never buys twice.
  const [purchaseKey, setPurchaseKey] = useState(() => crypto.randomUUID());
  const bought = props.usage?.packs ?? [];
  const chosen = packId || props.offered[0]?.id || '';
  const selectId = `pk-${props.contract.id}`;
  return (
    <section aria-label={tx('packs')}>
      <h5>{tx('packs')}</h5>
      {bought.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{tx('pack')}</th>
              <th scope="col">{tx('usedIncluded')}</th>
              <th scope="col">{tx('packBalance')}</th>
              <th scope="col">{tx('expires')}</th>
            </tr>
          </thead>
          <tbody>
            {bought.map((p) => (
              <tr key={p.id}>
                <td>{tx('packOf', { n: p.tickets })}</td>
                <td>{tx('usedOf', { used: p.used, total: p.tickets })}</td>
                <td>{tx('ticketsLeft', { n: p.remaining })}</td>
                <td>
                  {formatInstant(Date.parse(p.expiresAt))} {p.expired && <strong>({tx('expired')})</strong>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.canEdit &&
        (props.offered.length === 0 ? (
          <p class="muted">{tx('noPacks')}</p>
        ) : (
          <form
            aria-label={tx('buyPack')}
            onSubmit={(e) => {
              e.preventDefault();
              void post(
                `/v1/contracts/${encodeURIComponent(props.contract.id)}/addon-purchases`,
                { packId: chosen },
                purchaseKey,
              ).then(
                () => {
                  setPurchaseKey(crypto.randomUUID());
                  props.onBought();
                },
                (err: Error) => props.onError(err.message),
              );
            }}
          >
            <div class="field">
              <label for={selectId}>{tx('pack')}</label>
              <select
                id={selectId}
                value={chosen}
                onChange={(e) => {
                  setPackId(e.currentTarget.value);
                  setPurchaseKey(crypto.randomUUID());
                }}
              >
                {props.offered.map((p) => (
                  <option key={p.id} value={p.id}>
                    {tx('packOf', { n: p.tickets })} · {tx('validDays', { n: p.validDays })}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">{tx('buyPack')}</button>
          </form>
        ))}
    </section>
  );
}

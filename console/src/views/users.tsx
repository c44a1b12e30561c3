/** Administrators: create staff users (an invitation email lets them choose a password), change roles, deactivate. */
import { useEffect, useState } from 'preact/hooks';
import { get, request } from '../api';
import { SelectField, type Choice } from '../fields';
import { t } from '../i18n';
import { currentUser, type StaffUser } from '../session';

const ROLES = ['agent', 'supervisor', 'admin', 'read-only'] as const;
const roleChoices = (): Choice[] => ROLES.map((r) => [r, t(`role_${r}`)] as const);

export function UsersView() {
  const [users, setUsers] = useState<StaffUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ email: '', displayName: '', role: 'agent', language: 'es' });
  const [created, setCreated] = useState<string | null>(null);
  const load = async () => {
    try {
      setUsers((await get<{ items: StaffUser[] }>('/v1/users')).items);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const change = async (id: string, patch: Record<string, unknown>) => {
    setError(null);
    try {
      await request('PATCH', `/v1/users/${id}`, patch);
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const user = await request<StaffUser>('POST', '/v1/users', {
        ...form,
        email: form.email.trim(),
        displayName: form.displayName.trim(),
      });
      setCreated(user.displayName);
      setForm({ ...form, email: '', displayName: '' });
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const me = currentUser();
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('usersTitle')}</h1>
      {error && (
        <p role="alert" class="refusal">
          {error}
        </p>
      )}
      <table class="users">
        <caption class="muted">{t('usersCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('displayName')}</th>
            <th scope="col">{t('email')}</th>
            <th scope="col">{t('role')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-user={u.email}>
              <td>{u.displayName}</td>
              <td>{u.email}</td>
              <td>
                <label class="sr-only" for={`role-${u.id}`}>
                  {t('role')} · {u.displayName}
                </label>
                <select
                  id={`role-${u.id}`}
                  value={u.role}
                  onChange={(e) => void change(u.id, { role: e.currentTarget.value })}
                >
                  {roleChoices().map(([value, text]) => (
                    <option key={value} value={value}>
                      {text}
                    </option>
                  ))}
                </select>
              </td>
              <td>{u.active ? (u.hasPassword ? t('userActive') : t('userInvited')) : t('userInactive')}</td>
              <td>
                {u.id !== me?.id && (
                  <button type="button" onClick={() => void change(u.id, { active: !u.active })}>
                    {u.active ? t('deactivate') : t('reactivate')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('newUser')}</h2>
      <form class="grid" onSubmit={(e) => void create(e)}>
        <div class="field">
          <label for="new-user-name">{t('displayName')}</label>
          <input
            id="new-user-name"
            required
            value={form.displayName}
            onInput={(e) => setForm({ ...form, displayName: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="new-user-email">{t('email')}</label>
          <input
            id="new-user-email"
            type="email"
            required
            value={form.email}
            onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
          />
        </div>
        <SelectField
          id="new-user-role"
          label={t('role')}
          value={form.role}
          onChange={(role) => setForm({ ...form, role })}
          choices={roleChoices()}
        />
        <SelectField
          id="new-user-lang"
          label={t('language')}
          value={form.language}
          onChange={(language) => setForm({ ...form, language })}
          choices={[
            ['es', 'Español'],
            ['en', 'English'],
          ]}
        />
        <button type="submit" class="primary">
          {t('inviteUser')}
        </button>
      </form>
      {created && (
        <p role="status" class="ok">
          {t('userInvitedSent')} ({created})
        </p>
      )}
    </section>
  );
}

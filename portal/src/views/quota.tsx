/** The contract's quota this period, in the customer's words. */
import type { Quota } from '../api';
import { day, when } from '../format';
import { lang, t } from '../i18n';

export function QuotaPanel({ quota }: { quota: Quota }) {
  // The period ends at an instant (the contract's start time of day), not at a midnight: say when.
  const end = when(quota.periodEnd, quota.zone);
  return (
    <section class="panel quota" aria-labelledby="quota-title">
      <h2 id="quota-title">{t('quotaTitle')}</h2>
      {quota.plan === null ? (
        <p>{t('quotaNoPlan')}</p>
      ) : (
        <>
          <p>
            {t('plan')}: {quota.plan.name[lang()]}
          </p>
          <p>
            {quota.quota === null
              ? t('quotaUnlimited', { used: quota.used })
              : t('quotaUsed', {
                  used: quota.used,
                  quota: quota.quota,
                  remaining: quota.remaining ?? 0,
                  end,
                })}
          </p>
        </>
      )}
      {quota.packs.map((p) => (
        <p key={p.expiresAt}>
          {t('pack', { name: p.name[lang()], remaining: p.remaining, end: day(p.expiresAt, quota.zone) })}
        </p>
      ))}
    </section>
  );
}

import type { MemberLimit } from './member-types.js';

/**
 * The per-account limits of a member, edited as rows: an account selector (`all`, `stage=dev`, an account name)
 * and the roles allowed there (`*`: every role of the workspace). No rows: no restriction. The server checks
 * the selectors and roles against the workspace and says which one is wrong.
 */
export function LimitsEditor({
  id,
  limits,
  onChange,
  roleKeys,
  suggestions,
}: {
  id: string;
  limits: MemberLimit[];
  onChange(limits: MemberLimit[]): void;
  roleKeys: string[];
  suggestions: string[];
}) {
  const set = (index: number, limit: MemberLimit) => onChange(limits.map((l, i) => (i === index ? limit : l)));
  const toggle = (index: number, limit: MemberLimit, key: string, on: boolean) => {
    const roles = on ? [...limit.roles.filter((r) => r !== key), key] : limit.roles.filter((r) => r !== key);
    set(index, { ...limit, roles });
  };
  return (
    <fieldset className="limits">
      <legend>Per-account limits</legend>
      {limits.length === 0 ? (
        <p className="muted">None: every role of the workspace in every account of it, as the workspace role allows.</p>
      ) : null}
      <datalist id={`${id}-accounts`}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      {limits.map((limit, index) => (
        <div className="limit-row" key={index}>
          <label>
            Accounts (limit {index + 1})
            <input
              list={`${id}-accounts`}
              value={limit.accounts}
              placeholder="stage=dev"
              onChange={(e) => set(index, { ...limit, accounts: e.target.value })}
            />
          </label>
          <fieldset className="limit-roles">
            <legend>Roles there (limit {index + 1})</legend>
            {['*', ...roleKeys].map((key) => (
              <label key={key} className="check">
                <input
                  type="checkbox"
                  checked={limit.roles.includes(key)}
                  onChange={(e) => toggle(index, limit, key, e.target.checked)}
                />
                {key === '*' ? 'every role' : key}
              </label>
            ))}
          </fieldset>
          <button type="button" onClick={() => onChange(limits.filter((_, i) => i !== index))}>
            Drop limit {index + 1}
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...limits, { accounts: '', roles: ['*'] }])}>
        Add a per-account limit
      </button>
    </fieldset>
  );
}

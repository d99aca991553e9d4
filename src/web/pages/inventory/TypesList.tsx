import type { TypeCount } from './inventory-types.js';

/** The resource types with their counts; picking one filters the resources table (picking it again clears it). */
export function TypesList({
  types,
  selected,
  onSelect,
}: {
  types: TypeCount[];
  selected: string | undefined;
  onSelect: (type: string | undefined) => void;
}) {
  return (
    <ul className="inv-types" aria-label="Resource types">
      {types.map((t) => (
        <li key={t.type}>
          <button
            type="button"
            aria-pressed={selected === t.type}
            onClick={() => onSelect(selected === t.type ? undefined : t.type)}
            title={t.title}
          >
            <span className="inv-type-name">{t.type}</span>
            <span className="inv-count" data-testid={`count-${t.type}`}>
              {t.count}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

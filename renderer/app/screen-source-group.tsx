import type { ScreenSource } from '../../shared/bridge/contract.ts';

/** One kind of source (Screens or Windows) as radio buttons with thumbnails. */
export function ScreenSourceGroup({
  title,
  sources,
  chosen,
  onChoose,
}: {
  title: string;
  sources: readonly ScreenSource[];
  chosen: string | null;
  onChoose: (id: string) => void;
}) {
  if (sources.length === 0) return null;
  return (
    <fieldset className="source-group">
      <legend>{title}</legend>
      <div className="sources">
        {sources.map((source) => (
          <label key={source.id} className={chosen === source.id ? 'source chosen' : 'source'}>
            <input
              type="radio"
              name="screen-source"
              value={source.id}
              checked={chosen === source.id}
              onChange={() => {
                onChoose(source.id);
              }}
            />
            {/* The thumbnail's alt names the option; the caption below is for the eyes only. */}
            <img src={source.thumbnail} alt={source.name} className="thumbnail" />
            <span className="caption" aria-hidden="true">
              {source.appIcon && <img src={source.appIcon} alt="" className="app-icon" />}
              {source.name}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

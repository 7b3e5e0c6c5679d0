import { tileLabel, type VideoTile } from '../core/tiles';
import { useRemoteTrack } from '../hooks/useRoom';
import { VideoView } from './media';
import { RoleBadge } from './ui';

function Tile({ tile }: { tile: VideoTile }) {
  const track = useRemoteTrack(tile.producerId);
  const label = tileLabel(tile);
  return (
    <li className="tile">
      {track && !tile.paused ? <VideoView track={track} label={label} fit={tile.source === 'screen' ? 'contain' : 'cover'} /> : <div className="tile-empty">{tile.paused ? 'Paused' : 'Connecting…'}</div>}
      <span className="tile-name">
        <span className="tile-who">{tile.displayName}</span>
        <RoleBadge role={tile.role} />
        {tile.source === 'screen' && <span className="tile-source">screen</span>}
      </span>
    </li>
  );
}

/** Other presenters' video (co-host cameras) as a row of tiles under the stage. */
export function RemoteTiles({ tiles, label }: { tiles: readonly VideoTile[]; label: string }) {
  if (tiles.length === 0) return null;
  return (
    <ul className="tiles" aria-label={label}>
      {tiles.map((t) => (
        <Tile key={t.producerId} tile={t} />
      ))}
    </ul>
  );
}

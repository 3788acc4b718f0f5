// A show of 10,000 MP3-only episodes (issue 12), cheap to make: one tiny MP3 made by ffmpeg,
// hard-linked into every episode folder, manifests and notes written by this script.
// `npm run bench -- big` times a warm check and a warm build of it; `npm run bench -- cold` times
// a cold build of the 300-episode MP3-only show. Each beside `node -e 0` from the same run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const BIG_EPISODES = 10_000;

/** Makes (once, kept in `tmp`) the 10,000-episode show and returns its folder. */
export function makeTenThousandShow(tmp: string, episodes = BIG_EPISODES): string {
  const dir = path.join(tmp, `show-${episodes}-mp3`);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  console.error(`bench: generating ${episodes} MP3 episodes (hard links of one file, once)…`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const mp3 = path.join(dir, '.one.mp3'); // a dot name: never part of the show
  const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=44100:duration=2', '-c:a', 'libmp3lame', '-b:a', '32k', '-f', 'mp3', mp3]);
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x336699:size=1400x1400', '-frames:v', '1', path.join(dir, 'artwork.jpg')]);
  fs.writeFileSync(
    path.join(dir, 'show.yaml'),
    'title: Big Show\ndescription: A generated show of many episodes, for benchmarks.\nauthor: Bench\nlanguage: en\nbaseUrl: https://big.example\nartwork: artwork.jpg\nowner: { name: Bench, email: bench@example.com }\ncategories: [Technology]\nfeeds:\n  audio: { title: Audio, enclosure: mp3 }\n',
  );
  const width = String(episodes).length;
  for (let i = 1; i <= episodes; i++) {
    const n = String(i).padStart(width, '0');
    const ep = path.join(dir, `${n}-episode`);
    fs.mkdirSync(ep);
    fs.linkSync(mp3, path.join(ep, `show-${n}.mp3`));
    const date = new Date(Date.UTC(2000, 0, 1) + i * 86400000).toISOString();
    fs.writeFileSync(
      path.join(ep, 'episode.yaml'),
      `title: Episode ${i}\ndate: ${date}\nnumber: ${i}\nsummary: Episode ${i} of the big show.\nguid: big-${n}\nmedia:\n  mp3: show-${n}.mp3\n`,
    );
    fs.writeFileSync(path.join(ep, 'notes.md'), `# Episode ${i}\n\nSome *notes* with [a link](https://example.com/${i}).\n`);
  }
  fs.writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

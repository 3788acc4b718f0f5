<?php
// The baseline for `npm run bench -- podcast`: what a directory-to-feed PHP tool (dir2cast and
// the like) does for a folder of MP3s, written here from scratch for the bench. For each MP3
// under SHOW_DIR (one folder deep, as netcaster's episode folders are): getID3 analyze
// (duration, bitrate, ID3 tags), then one RSS 2.0 file with an item and an enclosure each.
// No cache: this is the cold run, the case issue 12 compares.
//   php bench/mp3-folder-feed.php SHOW_DIR OUT_FILE [BASE_URL]
// https://www.rssboard.org/rss-specification  https://www.getid3.org/
require_once '/usr/share/php/getid3/getid3.php';

[$_, $show, $outFile] = $argv;
$baseUrl = rtrim($argv[3] ?? 'https://bench.example', '/');

$files = [];
foreach (scandir($show) as $entry) {
    if ($entry[0] === '.') continue;
    $path = "$show/$entry";
    if (is_dir($path)) {
        foreach (scandir($path) as $name) {
            if (strcasecmp(pathinfo($name, PATHINFO_EXTENSION), 'mp3') === 0) $files[] = "$entry/$name";
        }
    } elseif (strcasecmp(pathinfo($entry, PATHINFO_EXTENSION), 'mp3') === 0) {
        $files[] = $entry;
    }
}

$getID3 = new getID3();
$items = [];
foreach ($files as $rel) {
    $path = "$show/$rel";
    $info = $getID3->analyze($path);
    getid3_lib::CopyTagsToComments($info);
    $tag = fn(string $k) => isset($info['comments'][$k][0]) ? (string) $info['comments'][$k][0] : '';
    $items[] = [
        'rel' => $rel,
        'title' => $tag('title') !== '' ? $tag('title') : pathinfo($rel, PATHINFO_FILENAME),
        'author' => $tag('artist'),
        'summary' => $tag('comment'),
        'seconds' => (int) round($info['playtime_seconds'] ?? 0),
        'bitrate' => (int) ($info['audio']['bitrate'] ?? 0),
        'bytes' => (int) ($info['filesize'] ?? filesize($path)),
        'mtime' => filemtime($path),
        'mime' => $info['mime_type'] ?? 'audio/mpeg',
    ];
}
usort($items, fn($a, $b) => $b['mtime'] <=> $a['mtime'] ?: strcmp($b['rel'], $a['rel']));

$x = fn(string $s) => htmlspecialchars($s, ENT_XML1 | ENT_QUOTES, 'UTF-8');
$duration = fn(int $s) => sprintf('%d:%02d:%02d', intdiv($s, 3600), intdiv($s % 3600, 60), $s % 60);
$rss = '<?xml version="1.0" encoding="UTF-8"?>' . "\n"
    . '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>' . "\n"
    . '<title>' . $x(basename(realpath($show))) . '</title><link>' . $x($baseUrl) . '/</link>'
    . '<description>' . $x(basename(realpath($show))) . '</description><lastBuildDate>' . date(DATE_RSS) . "</lastBuildDate>\n";
foreach ($items as $it) {
    $url = $baseUrl . '/' . implode('/', array_map('rawurlencode', explode('/', $it['rel'])));
    $rss .= '<item><title>' . $x($it['title']) . '</title>'
        . '<guid isPermaLink="true">' . $x($url) . '</guid>'
        . '<pubDate>' . date(DATE_RSS, $it['mtime']) . '</pubDate>'
        . '<description>' . $x($it['summary']) . '</description>'
        . '<enclosure url="' . $x($url) . '" length="' . $it['bytes'] . '" type="' . $x($it['mime']) . '"/>'
        . '<itunes:author>' . $x($it['author']) . '</itunes:author>'
        . '<itunes:duration>' . $duration($it['seconds']) . '</itunes:duration>'
        . "</item>\n";
}
$rss .= "</channel></rss>\n";
file_put_contents($outFile, $rss);

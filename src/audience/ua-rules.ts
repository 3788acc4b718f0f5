// netcaster's own User-Agent rules, written for netcaster in the shape of the OPAWG
// user-agents-v2 lists (see user-agents.ts). They name the common podcast apps and browsers;
// the OPAWG lists, when supplied in $NETCASTER_USER_AGENTS_DIR, replace them whole.
// Device names follow OPAWG's: phone, tablet, computer, watch, smart_speaker, tv.

/**
 * One entry: netcaster's own shape (`user_agents`, `app`, `device`), or the one the OPAWG
 * user-agents-v2 JSON files write (`name`, one `pattern`, and `category` in devices.json).
 */
export interface UserAgentEntry {
  user_agents?: string[];
  /** OPAWG user-agents-v2: the entry's one regular expression, and its name. */
  pattern?: string;
  name?: string;
  /** OPAWG user-agents-v2 devices.json: mobile, computer, smart_speaker, smart_tv, watch, auto. */
  category?: string;
  app?: string;
  /** browsers.json names the browser here. */
  browser?: string;
  device?: string;
  os?: string;
  bot?: boolean;
  examples?: string[];
  info_url?: string;
  description?: string;
}

export interface UserAgentFiles {
  apps?: UserAgentEntry[];
  bots?: UserAgentEntry[];
  browsers?: UserAgentEntry[];
  libraries?: UserAgentEntry[];
  devices?: UserAgentEntry[];
}

export const ownRules: UserAgentFiles = {
  bots: [
    // Feed crawlers of apps: they fetch feeds and sometimes media to check them, never for a listener.
    {
      user_agents: [
        'Pocket Casts Feed Parser',
        'Overcast/.*Podcast Sync',
        'Podcasts/[\\d.]+ \\(\\+https?://podcasts\\.apple\\.com',
        'iTMS',
        'Spotify/\\S+ \\(\\+https?://',
      ],
      description: 'app feed crawlers',
    },
    // Self-declared bots not always in isbot's list.
    {
      user_agents: [
        '[Bb]ot\\b',
        '[Cc]rawler',
        '[Ss]pider',
        'HeadlessChrome',
        'Podchaser-Parser',
        'podcastindex\\.org',
        'PodcastAddict/.*FeedChecker',
      ],
      description: 'self-declared bots',
    },
  ],
  apps: [
    { user_agents: ['^gPodder/', '^gpodder\\.net', 'mygpo'], app: 'gPodder', device: 'computer' },
    { user_agents: ['^AntennaPod/'], app: 'AntennaPod', device: 'phone', os: 'android' },
    {
      user_agents: ['^Podcasts/', '^Balados/', '^Podcasti/', '^Podcast/', '^AppleCoreMedia/.*\\(iPhone', 'iTunes/'],
      app: 'Apple Podcasts',
    },
    { user_agents: ['^Overcast/'], app: 'Overcast', device: 'phone', os: 'ios' },
    { user_agents: ['^PocketCasts/', '^Pocket Casts'], app: 'Pocket Casts' },
    { user_agents: ['^Spotify/', 'Spotify'], app: 'Spotify' },
    { user_agents: ['^Castro '], app: 'Castro', device: 'phone', os: 'ios' },
    { user_agents: ['^CastBox', 'castbox'], app: 'Castbox' },
    { user_agents: ['PodcastAddict/'], app: 'Podcast Addict', device: 'phone', os: 'android' },
    { user_agents: ['^Podverse/'], app: 'Podverse' },
    { user_agents: ['^Fountain/'], app: 'Fountain' },
    { user_agents: ['^Podcast Guru'], app: 'Podcast Guru' },
    { user_agents: ['^Player FM', 'PlayerFM'], app: 'Player FM' },
    { user_agents: ['^Deezer/'], app: 'Deezer' },
    { user_agents: ['^Amazon Music Podcast', 'AmazonMusic'], app: 'Amazon Music' },
    { user_agents: ['^Kodi/'], app: 'Kodi', device: 'tv' },
    { user_agents: ['^VLC/', 'LibVLC/'], app: 'VLC' },
    { user_agents: ['^Lavf/', '^Lavf\\d'], app: 'FFmpeg' },
  ],
  browsers: [
    { user_agents: ['Edg/'], browser: 'Microsoft Edge' },
    { user_agents: ['OPR/'], browser: 'Opera' },
    { user_agents: ['Firefox/', 'FxiOS/'], browser: 'Mozilla Firefox' },
    { user_agents: ['Chrome/', 'CriOS/', 'Chromium/'], browser: 'Google Chrome' },
    { user_agents: ['Version/[\\d.]+ (Mobile/\\S+ )?Safari/'], browser: 'Safari' },
  ],
  libraries: [
    { user_agents: ['^Wget/'], app: 'Wget' },
    { user_agents: ['^okhttp/'], app: 'okhttp' },
  ],
  devices: [
    { user_agents: ['iPad'], device: 'tablet', os: 'ios' },
    { user_agents: ['iPhone', 'iOS'], device: 'phone', os: 'ios' },
    { user_agents: ['Android.*Mobile', 'Android'], device: 'phone', os: 'android' },
    { user_agents: ['Macintosh|Mac OS X'], device: 'computer', os: 'macos' },
    { user_agents: ['Windows'], device: 'computer', os: 'windows' },
    { user_agents: ['Linux|X11|CrOS'], device: 'computer', os: 'linux' },
    { user_agents: ['HomePod|Sonos|Alexa|Echo'], device: 'smart_speaker' },
    { user_agents: ['SmartTV|AppleTV|tvOS|Roku'], device: 'tv' },
  ],
};

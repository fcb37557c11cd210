// Restream platforms and their presets, without zod (the web bundle imports these values).

/** Where a restream target points: a preset names the platform and hints its RTMP server. */
export const restreamPlatforms = ['douyin', 'kuaishou', 'bilibili', 'youtube', 'twitch', 'custom'] as const;
export type RestreamPlatform = (typeof restreamPlatforms)[number];

/**
 * The usual "server" of each platform's push settings. `server` is filled in for the team when the
 * platform gives everyone the same one; Douyin and Kuaishou give each account its own push address
 * (copy it from the platform's push page), so only the shape is shown as a placeholder.
 */
export const RESTREAM_PRESETS: Record<RestreamPlatform, { server: string | null; placeholder: string }> = {
  douyin: { server: null, placeholder: 'rtmp://push-rtmp-….douyincdn.com/third' },
  kuaishou: { server: null, placeholder: 'rtmp://….gifshow.com/gifshow' },
  bilibili: { server: 'rtmp://live-push.bilivideo.com/live-bvc', placeholder: 'rtmp://live-push.bilivideo.com/live-bvc' },
  youtube: { server: 'rtmp://a.rtmp.youtube.com/live2', placeholder: 'rtmp://a.rtmp.youtube.com/live2' },
  twitch: { server: 'rtmp://live.twitch.tv/app', placeholder: 'rtmp://live.twitch.tv/app' },
  custom: { server: null, placeholder: 'rtmp://example.com/live' },
};

export const restreamStates = ['idle', 'connecting', 'live', 'retrying', 'failed'] as const;
export type RestreamState = (typeof restreamStates)[number];

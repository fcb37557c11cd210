import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KeywordChatFilter } from './core/keyword-filter.js';
import { defaultChatFilter } from './default-chat-filter.js';

export { RoomHub } from './room-hub.js';
export { RoomService, noFollows, type CommentSeen, type CommentListener } from './room.service.js';
export { roomRoutes } from './room.routes.js';
export { installRoomGateway } from './room.ws.js';

const filterFile = z.object({ block: z.array(z.string().min(1)).default([]), hold: z.array(z.string().min(1)).default([]) });

/** The keyword chat filter from ONAIR_CHAT_FILTER_FILE, or the starter list shipped here. */
export function loadChatFilter(path: string | undefined): KeywordChatFilter {
  if (!path) return new KeywordChatFilter(defaultChatFilter);
  const parsed = filterFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`chat filter file ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return new KeywordChatFilter(parsed.data);
}

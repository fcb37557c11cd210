/**
 * Starter keyword list for the live-room chat filter (a module, not a JSON file, so the
 * compiled build carries it). Replace it with ONAIR_CHAT_FILTER_FILE; the compliance engine adds
 * the Advertising Law and live-marketing rules later.
 */
export const defaultChatFilter = {
  block: ["加微信", "加v", "wechat", "私下交易", "刷单", "代刷", "fuck", "傻逼", "操你"],
  hold: ["微信", "vx", "qq群", "退钱", "骗子", "假货", "投诉", "scam", "fake"],
};

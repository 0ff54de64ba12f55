/**
 * getChatMember in the fake Bot API, shaped as telegram-bot-api's
 * JsonChatMember writes it (tdlib/telegram-bot-api commit
 * 01a3679c0bbf9bbba03d1d3e20f621fa4becddcc, Client.cpp): `user`, `status`,
 * and per status its fields (creator: `is_anonymous`; administrator: the
 * `can_*` rights). A user the test never placed in the group has `left`.
 * A chat the bot is not in: `chat not found`; a user id that is not a
 * number: `user_id` must be given (400).
 *
 * @module
 */

import type { MethodHandler } from "./methods.ts";
import { badRequest, intParam } from "./wire.ts";

const ADMIN_RIGHTS = {
  "can_be_edited": false,
  "is_anonymous": false,
  "can_manage_chat": true,
  "can_change_info": true,
  "can_delete_messages": true,
  "can_invite_users": true,
  "can_restrict_members": true,
  "can_pin_messages": true,
  "can_manage_topics": false,
  "can_promote_members": false,
  "can_manage_video_chats": true,
  "can_post_stories": false,
  "can_edit_stories": false,
  "can_delete_stories": false,
};

/** getChatMember. */
export const MEMBER_METHODS: Record<string, MethodHandler> = {
  getchatmember: ({ store, params }) => {
    const chat = store.chat(intParam(params, "chat_id"));
    const userId = intParam(params, "user_id");
    if (userId === undefined) throw badRequest("invalid user_id specified");
    const known = store.users.get(userId);
    const user = {
      id: userId,
      "is_bot": false,
      "first_name": known?.first_name ?? "",
    };
    const status = chat.members?.get(userId) ?? "left";
    if (status === "creator") {
      return { user, status, "is_anonymous": false };
    }
    if (status === "administrator") return { user, status, ...ADMIN_RIGHTS };
    return { user, status };
  },
};

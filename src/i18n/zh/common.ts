/** Strings every feature uses. Chinese first; en/common.ts mirrors the shape. */
export const common = {
  roles: { supervisor: "责任督学", manager: "管理员", school_contact: "学校联系人", admin: "系统管理员" },
  zoneLevels: { city: "市级", district: "区县级" },
  notRegistered: (adminHint: string) =>
    `您好！您还不在督学助手的名册中，暂时无法使用。请联系督导室管理员将您加入名册${adminHint}。`,
  notAllowed: (command: string) => `抱歉，只有管理员可以使用「${command}」。发送「帮助」查看您可以使用的命令。`,
  unknownCommand: (text: string, suggestion: string | null) =>
    suggestion ? `没有找到命令「${text}」。您是不是想用「${suggestion}」？发送「帮助」查看全部命令。` : `没有找到命令「${text}」。发送「帮助」查看全部命令。`,
  groupOnly: "这个命令请在与督学助手的单聊中使用。",
  internalError: (ref: string) => `抱歉，处理时出错了，请稍后再试。如需帮助，请把编号 ${ref} 告诉管理员。`,
  unsupportedMessage: "暂时只能处理文字命令、名册文件（CSV）和照片。发送「帮助」查看全部命令。",
  sentPrivately: "已私信发送给您。",
  inputTooLong: "填写的内容太长，请精简后再提交。",
  cardExpired: "这张卡片已失效，请重新发送命令获取最新卡片。",
  cardStranger: "这张卡片不是发给您的，无法操作。",
  none: "无",
  and: "、",
  /** sent once a day, only in the stranger's own direct chat */
  notRegisteredWithId: (openId: string) =>
    `您好！您还不在督学助手的名册中，暂时无法使用。您的 open_id 是：${openId}\n请把它发给督导室管理员：管理员把您加入名册（或把它加入 ADMIN_OPEN_IDS）后即可使用。今天内您再发消息，督学助手不再回复。`,
  tooManyMessages: (perMinute: number) => `您发得太快了（每分钟最多 ${perMinute} 条），请一分钟后再试。这一分钟内的其余消息不再回复。`,
  deferred: (ref: string) => `抱歉，系统暂时繁忙，您的消息已经收到，稍后会自动处理并回复您，无需重发。编号 ${ref}。`,
};

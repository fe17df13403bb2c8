# 引擎自己说的话，以及快捷回复选项的文字。对话文本在 dialogs.ftl。变量见 dialogs/README.md。

welcome = 亲，您好！我是{ $shop_name }的付款小助手。如果订单没付成功（余额不够、忘记密码、收不到验证码、页面卡住，或者觉得已经付过了），直接告诉我情况，我帮您搞定～
help = 我可以帮您完成付款：余额不足、忘记密码、收不到验证码、页面卡顿、以为已经付了、不会付款，或者找朋友代付。也可以解答库存、合并付款、退换货和取消订单的问题。输入 /human 转人工，/lang en 切换英文。
clarify-ask = 亲，我想确认一下您的意思，是下面哪种情况呢？
opt-clarify-other = 都不是
clarify-other = 好的，麻烦您简单说一下是什么原因没付成功呢？
reask = 不好意思，我没太看明白～
offer-human = 抱歉我没能理解您的意思。需要为您转接人工客服吗？
offer-human-declined = 好的～您可以换个说法告诉我付款时遇到了什么情况，我尽力帮您。
handoff-start = { $cs_now ->
    [open] 正在为您转接{ $shop_name }的人工客服，客服一般 { $cs_reply_minutes } 分钟内在这里回复您。您也可以先把情况描述一下～
   *[closed] 已为您转接{ $shop_name }的人工客服。客服工作时间是 { $cs_open }–{ $cs_close }，上班后会第一时间在这里回复您。
}
handoff-released = 亲，现在由付款小助手继续为您服务。还有什么可以帮您的吗？
lang-switched = 好的，接下来我用中文和您沟通～
empty-message = 亲，没有收到文字哦。告诉我是什么原因没付成功，我来帮您。
unknown-command = 没有这个指令哦。可以试试 /help、/human、/lang en 或 /lang zh。

## 澄清问题里的选项（每个意图一条）
intent-insufficient_balance = 余额不足
intent-forgot_password = 忘记密码
intent-verification_failed = 验证码/验证失败
intent-slow_network = 页面卡顿、网络慢
intent-thinks_paid = 我好像已经付过了
intent-no_payment_method = 不知道怎么付款
intent-friend_pay = 让朋友代付
intent-out_of_stock = 库存/没货了
intent-combine_order = 凑单、一起付
intent-hesitant = 还在考虑
intent-cancel_order = 取消订单
intent-wrong_item = 拍错了
intent-not_my_order = 不是我的订单
intent-will_pay = 我会付款
intent-return_policy = 退换货与保障
intent-human_agent = 转人工客服
intent-greeting = 打个招呼
intent-thanks_bye = 没事了，谢谢
intent-unknown = 其他问题

## 快捷回复：opt-<槽位>-<取值>
opt-payment_method-alipay = 支付宝
opt-payment_method-wechat = 微信支付
opt-payment_method-bank_card = 银行卡
opt-payment_method-credit_card = 信用卡
opt-payment_method-paypal = PayPal
opt-payment_method-apple_pay = Apple Pay
opt-payment_method-other = 其他
opt-deducted-yes = 扣了，钱已经扣了
opt-deducted-no = 没扣钱
opt-cancel_reason-price = 价格原因
opt-cancel_reason-changed_mind = 不想要了
opt-cancel_reason-bought_elsewhere = 在别家买了
opt-cancel_reason-delivery_time = 发货太慢
opt-cancel_reason-other = 其他原因
opt-check-sms = 短信验证码
opt-check-device = U盾/数字证书
opt-check-biometric = 刷脸/指纹
opt-confirm-yes = 是
opt-confirm-no = 否
opt-receiver-yes = 是的，只是代收
opt-receiver-no = 不是

## 订单、链接与消息送达
order-bound = 好的亲，这个对话已关联到您的订单 { $order_id }{ $item ->
    [none] {""}
   *[other] （{ $item }，{ $amount }{ $closes_at ->
        [none] {""}
       *[other] ，{ $closes_at } 前付款有效
    }）
}。付款遇到什么问题都可以告诉我哦～
link-invalid = 抱歉亲，这个链接无效或已过期，没能关联订单。请从店铺的订单页面重新打开链接哦。
link-taken = 这个订单已经关联了另一个对话，这里不能显示哦。如果是您的订单，请联系人工客服。
media-unsupported = 收到啦～不过我只能看懂文字消息，麻烦用文字描述一下付款遇到的问题哦。
reminders-stopped = 好的，之后不会再给您发付款提醒了。有问题随时找我哦。
tap-expired = 这个按钮属于之前的问题，已忽略哦。

## 客服（显示在客服群里）
agents-only = 只有客服可以使用这个指令，并且只能在客服群的话题里使用。
agent-released = 买家已交回机器人。本话题已关闭，买家再次需要人工时会重新打开。
agent-note-saved = 备注已保存，买家看不到。
agent-outcome-saved = 已记录订单 { $order_id } 的回访结果，会计入转化报表。
agent-outcome-usage = 记录回访结果：/outcome 订单号 结果，结果为 will-pay（会付款）、paid（已付款）、not-interested（不要了）、no-answer（未接通）、wrong-number（号码错误）、other（其他）之一，例如：/outcome A-1001 will-pay。备注请用 /note。
agent-outcome-unknown-order = 没有这个订单号。记录回访结果：/outcome 订单号 结果。
agent-unknown-thread = 这个话题没有关联买家。
handoff-ping = 提醒：这位买家还在等待回复。
card-title = 新的转人工买家
card-buyer = 买家
card-language = 语言
card-intents = 出现过的意图
card-slots = 已知信息
card-order = 订单
card-transcript = 最近消息
card-none = 无

## 机器人指令说明（Telegram 指令菜单）
command-start = 开始，或关联订单
command-lang = 切换语言：/lang en 或 /lang zh
command-human = 转人工客服
command-help = 我能帮您做什么
command-stop = 不再接收付款提醒

## 商品很多时订单的商品列表（$first：放得下的商品）
items-and-more = { $first } 等，另有 { $more } 件商品

## 催付消息（按策略；-a 与 -b 是两种说法，做对比）
reminder-fast_delivery-a = 亲，这里是{ $shop_name }～您拍下的{ $item }（{ $amount }）还没有付款哦。今天的订单我们已经在安排发货了，现在付款会优先为您发出～
reminder-fast_delivery-b = 亲，您的{ $item }已经准备好啦，付款（{ $amount }）后我们第一时间发货哦。{ $closes_at ->
    [none] {""}
   *[other] 订单会保留到 { $closes_at }。
}
reminder-limited_stock-a = 亲，这里是{ $shop_name }～您在活动中抢到的{ $item }库存已经不多啦！付款才会锁定库存，尽快付款（{ $amount }）就不会被别人抢走哦{ $closes_at ->
    [none] 。
   *[other] ，订单 { $closes_at } 关闭。
}
reminder-limited_stock-b = 温馨提示：{ $item }快卖完了，您的订单（{ $amount }）还没付款，先付款的买家可能会拿走最后几件哦。
reminder-returns-a = 亲，这里是{ $shop_name }～{ $item }还在考虑吗？本店支持{ $return_days }天无理由退换{ $shipping_insurance ->
    [yes] ，还为您送了运费险
   *[no] {""}
}，收到不满意也没有后顾之忧哦。
reminder-returns-b = 亲不用有压力～{ $item }（{ $amount }）收到不合适，{ $return_days }天内可以无理由退换。{ $closes_at ->
    [none] {""}
   *[other] 订单会保留到 { $closes_at } 哦。
}
reminder-promotion_ending-a = 亲，这里是{ $shop_name }～{ $item }的活动价快结束啦，在活动结束前付款（{ $amount }）就能保住这个价格哦。
reminder-promotion_ending-b = 活动最后几个小时啦！现在为{ $item }（{ $amount }）付款就能保留活动价哦～
reminder-ask = 是遇到什么问题了吗？点一下对应的情况，我来帮您：

## 大额订单的电话催付任务（给打电话的客服看；用买家的语言）
call-title = 电话任务：订单 { $order_id }，{ $item }，{ $amount }{ $closes_at ->
    [none] {""}
   *[other] （{ $closes_at } 关闭）
}
call-buyer = 买家：{ $name }，电话 { $phone }（{ $buyer }）
call-intro = 1. 自报家门：“您好，我是{ $shop_name }的客服，您在我们店拍了{ $item }，您还有印象吗？”
call-purpose = 2. 告知目的：“看您还没有支付呢，这个宝贝很热销，您的眼光真好！不知道是什么原因没有完成付款呢？有没有需要我帮助的地方？”
call-forgot = 3a. 买家说不记得：“您拍的是{ $item }，金额{ $amount }”，再核对收货人和地址，问是否记起。
call-receiver = 3b. 买家说只是帮忙收包裹：请对方提供本人的联系方式，订单里有些信息需要和他确认。
call-close = 4. 促成：买家说马上付款，“您付好后联系我，我给您安排马上发出”；不想要了，感谢并提一次{ $return_days }天无理由退换，不要纠缠。记录结果。
call-record = 打完后记录结果：/outcome { $order_id } will-pay（会付款）| paid（已付款）| not-interested（不要了）| no-answer（未接通）| wrong-number（号码错误）| other（其他）
# 客服群里回访任务下的按钮：每个结果一个。
call-outcome-will-pay = 会付款
call-outcome-paid = 已付款
call-outcome-not-interested = 不要了
call-outcome-no-answer = 未接通
call-outcome-wrong-number = 号码错误
call-outcome-other = 其他

## 对话修复（engine/repair.rs）
same-as-above = 还是按上面说的来就好哦~
same-topic = 上面说的步骤依然适用哦。
question-again = 就像刚才说的：
offer-human-unclear = 抱歉亲，我还是没能看明白~ 您可以用自己的话说说是什么卡住了付款，或者发送 /human 转人工客服。
offer-human-now = 需要我帮您转给人工客服吗？
offer-human-short = 需要我帮您转给人工客服问一下吗？
frustrated-sorry = 抱歉亲，是我没理解好，给您添麻烦了。
bot-honest = 亲，我是{ $shop_name }的智能助手，不是真人哦。大部分付款问题我都能帮您解决，人工客服的在线时间是 { $cs_open }–{ $cs_close }。
bot-honest-waiting = 亲，我是店铺的智能助手~ 人工客服会在这里回复您，您的消息我都帮您留好了。
paid-thanks = 谢谢亲！付款到账后订单会自动变成已付款，一般{ $sync_minutes }分钟内就会更新，之后我们马上为您安排发货。如果过了这个时间还显示未付款，在这里告诉我，我们帮您查。
reminders-off = 好的亲，之后不会再给您发付款提醒了，不打扰您啦。（想恢复的话发送 /remind 就可以）
reminders-off-closing = 如果不想要了，您什么都不用做：未付款的订单{ $order_hold_hours }小时后会自动关闭，不会扣款哦。
reminders-resumed = 好的，付款提醒已经为您恢复啦。
order-found = 找到啦：订单 { $order_id }，{ $item }，{ $amount }。
order-not-found = 亲，这个订单号我这边查不到，不过没关系，我也可以帮您~ 是什么卡住了付款呢？
handoff-withdrawn = 好的亲，已经帮您取消转人工啦。
handoff-withdrawn-help = 我还在哦，付款遇到什么问题告诉我，我来帮您~
handoff-long-wait = 抱歉亲，客服同事还在忙，您的请求一直为您保留着，客服会在这里回复您。这期间我也可以先帮您：付款遇到什么问题了呢？
handoff-ack-1 = 收到，已经帮您转达啦。{ $cs_now ->
    [open] 客服马上就会在这里回复您。
   *[closed] 客服{ $cs_open }上班后会在这里回复您。
}
handoff-ack-2 = 好的亲，消息已经给到客服同事了。{ $cs_now ->
    [open] 一般{ $cs_reply_minutes }分钟内会回复您。
   *[closed] 客服工作时间是 { $cs_open }–{ $cs_close }。
}如果不需要了，说一声“不用了”就好。
handoff-ack-3 = 记下啦，会转给接待您的客服~ { $cs_now ->
    [open] 请稍等一下哦。
   *[closed] 客服{ $cs_open }上班后会第一时间回复您。
}
cancel-order-close-again = 好的亲，不用再操作啦：未付款的订单{ $order_hold_hours }小时后会自动关闭，不会扣款。想现在就关闭的话：我的订单 → 这笔订单 → 取消订单。
ack-idle = 好的亲~ 付款遇到任何问题，随时在这里告诉我哦。
opt-sold_out-yes = 是的，显示没货了
opt-sold_out-no = 没有，还能买
remind-confirmed = { $reminders ->
    [none] 亲，这笔订单我这边没法设置提醒，麻烦记一下{ $pay_at }这个时间哦。
   *[on] 放心，我会在{ $pay_at }提醒您的，不会忘哈~
}
fact-noted = 好的，记下了：{ $payment_method ->
    [alipay] 支付宝
    [wechat] 微信支付
    [bank_card] 银行卡
    [credit_card] 信用卡
    [paypal] PayPal
    [apple_pay] Apple Pay
   *[other] 其他方式
}。
understood = 明白的亲~
reminders-off-again = 亲，付款提醒已经关掉啦，不会再给您发了。
agent-relay-late = ⏱ 以下消息晚到了 { $minutes } 分钟：Telegram 限制机器人在本群每分钟只能发约 20 条消息。买家是更早发的。
agent-buyer-withdrew = 买家已取消转人工，回到机器人服务。如仍需跟进，在这里回复即可接手。

# 网页聊天。
web-placeholder = 输入消息
web-send = 发送
web-reconnecting = 正在重新连接…
web-typing = …
web-failed = 消息没有发出去，请稍后再试。
web-slow-down = 您发消息太快了，请等一分钟再试。
web-empty = 消息是空的。
web-too-long = 消息太长了，请控制在 2000 字以内。
web-attach = 发送截图
web-image-sent = （已发送截图）
web-image-type = 请发送图片：PNG、JPEG、WebP 或 GIF 格式。
web-image-too-big = 图片太大了，请发送 5 MB 以内的图片。
web-open = 付款遇到问题？联系我们
web-close = 关闭对话
web-identity-invalid = 这个页面没能确认您的店铺账号，所以这里不显示您的订单。您仍然可以随时提问。
agent-web-words-only = 这位买家在网页聊天里，只能看到文字：请用文字说明文件内容。
contact-noted = 好的，已记下您的号码 { $contact }。

# paynudge 对话文案（中文）。
# 按意图加前缀；只使用 dialogs/README.md 列出的变量。
# 引擎自己的文案（opt-*、intent-*、welcome、help、handoff-* 等）在 engine.ftl。

## thinks_paid

thinks-paid-intro = 亲别着急，我们一起确认一下哈~
thinks-paid-ask-deducted = 麻烦亲看一下银行卡或支付宝/微信的账单，这笔钱是不是已经扣款了呢？
thinks-paid-deducted = 谢谢亲~ 如果已经扣款，多半是支付系统和店铺之间同步有延迟，大促期间比较常见哦。麻烦亲大约15分钟后刷新一下订单页面，一般就会显示已付款啦。
thinks-paid-deducted-check = 也请亲留好银行或钱包里的扣款记录（时间和金额）。如果到时还显示未付款，我们客服会帮您跟进处理，不会让您重复付款的，放心哈~
thinks-paid-ask-human = 需要现在就帮您转人工客服核实一下吗？
thinks-paid-not-deducted = 那说明这笔付款没有成功，钱没有扣哦。有时候在最后一步确认前页面关掉了就会这样，亲不用担心~
thinks-paid-retry = 亲可以打开「我的订单」→ 找到这笔待付款订单 → 点「立即付款」，输完密码或完成验证，看到支付成功页面就好啦。同一笔订单只能付一次，不会重复扣款的哈。
thinks-paid-ask-friend-pay = 如果亲自己付款不太方便，也可以请朋友帮忙代付哦，需要我告诉您怎么操作吗？
thinks-paid-retry-bye = 好的亲~ 这笔订单{ $order_hold_hours }小时内都可以付款，遇到任何问题随时找我哈。

## forgot_password

forgot-password-intro = 亲别担心，忘记密码重置一下很快的~
forgot-password-ask-method = 请问亲用的是哪种付款方式呢？
forgot-password-reset = { $payment_method ->
    [alipay] 支付宝里：我的 → 右上角「设置」→「支付设置」→「重置支付密码」，用短信验证码或刷脸验证身份后，设置新密码就可以啦。
    [wechat] 微信里：我 → 服务 → 钱包 →「支付设置」→「忘记支付密码」，验证已绑定的银行卡或刷脸后，设置新密码就好哦。
    [bank_card] 银行卡的话，打开银行手机 App →「安全中心」→「重置交易密码」，一般需要身份证、卡号和短信验证码。搞不定的话也可以找银行帮忙：{ $bank_hotline }
    [credit_card] 信用卡的话，在发卡行的 App 里进入「卡片管理」→「重置交易密码」，短信验证后重新设置就行。也可以联系银行：{ $bank_hotline }
    [paypal] PayPal：在登录页点「忘记密码？」，输入邮箱，按 PayPal 发来的验证码或链接重设密码就可以啦。
    [apple_pay] Apple Pay 是用面容 ID、触控 ID 或 iPhone 锁屏密码确认的，没有单独的支付密码哦。如果钱包里的卡要输密码，可以在对应银行的 App 里重置；如果是忘了锁屏密码，建议先换个方式付款。
   *[other] 打开付款 App 的「安全设置」，选择「忘记密码」，通过短信验证码或身份信息验证后，设置新密码就可以啦。
}
forgot-password-lock = 如果输错次数太多被锁了，一般几个小时后会自动解锁，重置密码后通常也能提前恢复哦。
forgot-password-ask-friend-pay = 这期间也可以先请朋友帮忙代付，需要我教您怎么操作吗？
forgot-password-wait = 好的亲，不着急~ 这笔订单{ $order_hold_hours }小时内都可以付款，密码重置好后回来付就行哈。

## insufficient_balance

insufficient-balance-intro = 没关系的亲，这种情况有好几种简单的办法哦~
insufficient-balance-ask-method = 请问亲刚才用的是哪种付款方式呢？
insufficient-balance-fix = { $payment_method ->
    [alipay] 支付宝可以先用银行卡给余额充值，或者在收银台点一下付款方式，换成花呗或余额宝来付哦。
    [wechat] 微信可以给零钱充值（我 → 服务 → 钱包 → 零钱 → 充值），或者在钱包里添加一张银行卡，付款时选它就行。
    [bank_card] 收银台可以换一张银行卡付款哦。如果卡里有钱还是付不了，可能是网上支付的单日限额到了，可以在银行 App 里调高限额。
    [credit_card] 可能是信用卡可用额度不够，或者超过了单笔限额。可以换一张卡，或者先还一部分款，也可以问问银行能不能临时提额：{ $bank_hotline }
    [paypal] PayPal 里可以再绑定一张卡或银行账户，付款时选它作为付款来源就可以啦。
    [apple_pay] 在 Apple Pay 付款界面点一下卡片，就能换成钱包里的其他卡，也可以改用别的付款方式哦。
   *[other] 在收银台点一下付款方式，换成余额充足的其他卡或钱包就可以啦。
}
insufficient-balance-split = 部分支付方式还支持组合付款，比如一部分用余额、剩下的用银行卡，收银台有这个选项的话也可以试试哦。
insufficient-balance-hold = 亲不用着急，订单会为您保留{ $order_hold_hours }小时哦。
insufficient-balance-ask-friend-pay = 也可以请朋友或家人帮忙代付，需要我教您怎么操作吗？
insufficient-balance-bye = 好的亲~ 处理好之后在「我的订单」里直接付款就行，有问题随时找我哈。

## verification_failed

verification-failed-intro = 亲，验证这一步卡住确实挺着急的，我们一起看看~
verification-failed-ask-which = 是哪一步验证出了问题呢？
verification-failed-sms = 可以先试试：确认手机信号正常，看看短信是不是被拦截了（骚扰拦截里找找），等满60秒再点「重新发送」，重发一次就好，太频繁可能会被限制哦。如果换过手机号，验证码会发到银行预留的号码上，需要联系银行更新：{ $bank_hotline }
verification-failed-other = 如果是移动证书或 U 盾不在身边，没关系，等拿到后再付款就好，订单会为您保留{ $order_hold_hours }小时哦。如果是刷脸或指纹验证不通过，可以换个光线好的地方、擦一下摄像头或指纹区，或者切换成密码支付试试~
verification-failed-ask-friend-pay = 如果还是不行，也可以先请朋友帮忙代付哦，需要我告诉您怎么操作吗？
verification-failed-bye = 好的亲，不着急~ 这笔订单{ $order_hold_hours }小时内都可以付款哦。

## slow_network

slow-network-tips = 亲，大促期间网络确实容易卡~ 可以先关掉其他 App 或正在下载的内容，在 Wi-Fi 和 4G/5G 之间切换一下，过几分钟再试试。重新付款前先到「我的订单」看一眼，确认之前没有付成功哦。
slow-network-hold = 订单会为您保留{ $order_hold_hours }小时，时间是够的，亲别着急~
slow-network-ask-friend-pay = 如果朋友那边网络更稳定，也可以请朋友帮忙代付哦，需要我教您怎么操作吗？
slow-network-bye = 好的亲~ 过几分钟再试一下，还是卡的话随时告诉我哈。

## no_payment_method

no-payment-method-intro = { $lacking ->
    [none] 没关系的亲，我一步一步教您~
   *[other] 没有{ $lacking }也完全没关系哦~ 最省事的是请朋友或家人帮您代付{ $cod ->
        [yes] ，也可以在结算页选择货到付款
       *[other] {""}
    }；或者用您手边已有的付款方式也可以。
}
no-payment-method-ask-method = 亲打算用哪种方式付款呢？
no-payment-method-setup = { $payment_method ->
    [alipay] ① 下载支付宝 App，用手机号注册；② 完成实名认证并添加银行卡（我的 → 银行卡 → 添加）；③ 回到订单点「立即付款」，选择支付宝就好啦。
    [wechat] ① 在微信里进入 我 → 服务 → 钱包 → 银行卡 → 添加银行卡；② 设置6位数字支付密码；③ 回到订单点「立即付款」，选择微信支付就可以啦。
    [bank_card] ① 先确认银行卡开通了网上支付（在银行 App 或网点开通手机银行）；② 在订单页点「立即付款」，选择银行卡并输入卡号；③ 输入银行预留手机号收到的验证码确认就好。
    [credit_card] ① 在订单页点「立即付款」，选择信用卡；② 输入卡号、有效期和卡背面的3位安全码；③ 输入银行发来的短信验证码确认。如果被拒，可能需要先在银行 App 里开通网上支付哦。
    [paypal] ① 在 paypal.com 用邮箱注册；② 绑定一张卡或银行账户；③ 在订单页点「立即付款」，选择 PayPal 并登录确认就好。
    [apple_pay] ① 打开 iPhone 上的「钱包」App，点「+」添加银行卡，按银行提示完成验证；② 在订单页点「立即付款」，选择 Apple Pay；③ 用面容 ID 或触控 ID 确认就好。
   *[other] 在订单页点「立即付款」，收银台会列出我们支持的所有付款方式，选一个您已经有的，按页面提示操作就可以啦。
}
no-payment-method-bank = 如果对网银、手机银行这些不太清楚，可以咨询银行：{ $bank_hotline }
no-payment-method-ask-friend-pay = 还有个最省事的办法：请朋友或家人帮忙代付，需要我教您怎么操作吗？
no-payment-method-bye = 好的亲，慢慢来~ 订单会为您保留{ $order_hold_hours }小时，操作中遇到问题随时找我哈。

## friend_pay

friend-pay-intro = 可以的亲，朋友或家人都可以帮您代付这笔订单哦~
friend-pay-ask-method = 亲打算从哪个 App 发起代付呢？
friend-pay-how = { $payment_method ->
    [alipay] 打开待付款订单 → 点「立即付款」→ 在支付宝收银台选择「找人代付」，选一位支付宝好友，或者复制链接发给TA就可以啦。
    [wechat] 打开待付款订单 → 点「立即付款」→ 选择「找朋友帮忙付」，发送给微信好友就好哦。
   *[other] 打开待付款订单 → 点「立即付款」→ 选择「朋友代付」，复制付款链接，用任意聊天软件发给朋友就可以啦。
}
friend-pay-friend-sees = 朋友打开后能看到宝贝和金额，用TA自己的账户付款就行，收货地址还是您的哦。代付请求{ $friend_pay_hours }小时内有效，朋友付好后订单会显示已付款，我们就为您安排发货啦~

## out_of_stock

out-of-stock-reserve = 亲，活动期间宝贝是「付款减库存」的，只拍下不付款是不占库存的哦，所以尽早付款才能把宝贝稳稳留住，不会被先付款的买家抢走~
out-of-stock-ask-sold-out = 亲现在付款时，宝贝已经显示库存不足或已售罄了吗？
out-of-stock-sold-out = { $stock_left ->
    [none] 抱歉亲，宝贝暂时没货了~ 有其他未付款订单关闭时库存可能会回来，客服也可以帮您看看会不会补货，或者推荐很相似的款式哦。
    [0] 抱歉亲，这款已经卖完了~ 有其他未付款订单关闭时库存可能会回来，客服也可以帮您看看会不会补货，或者推荐很相似的款式哦。
   *[other] 亲，系统里这款还有{ $stock_left }件哦，麻烦刷新一下页面再试试；如果还是显示没货，客服可以帮您查一下。
}
out-of-stock-ask-human = 需要帮您转人工客服查一下吗？客服在线时间是{ $cs_open }–{ $cs_close }。
out-of-stock-sold-out-bye = 好的亲~ 如果之后又有货了，第一时间付款就能抢到哦。
out-of-stock-pay-soon = 那太好了，现在还有货哦！亲现在付款就稳稳是您的啦，付款时遇到任何问题随时告诉我~

## combine_order

combine-order-how = 亲想一起付款当然可以~ 把想要的宝贝加入购物车一起结算就好。如果已经拍了好几单，可以在「我的订单」→「待付款」里勾选本店的多个订单，点「合并付款」一次付清哦。
combine-order-threshold = 本店满{ $currency }{ $free_shipping_threshold }包邮，宝贝页面的搭配套餐也可以看看，凑单更方便哦~
combine-order-ask-suggest = 需要客服帮您推荐一些搭配的宝贝吗？
combine-order-bye = 好的亲，不着急慢慢挑~ 订单会为您保留{ $order_hold_hours }小时哦。

## hesitant

hesitant-popular = 亲多考虑一下完全理解哈~ 亲的眼光真的很好呢！{ $stock_left ->
    [none] {""}
   *[other] 这款现在只剩{ $stock_left }件了，付款后才会为您锁定库存哦。
}{ $promotion_ends ->
    [none] {""}
   *[other] 活动价到{ $promotion_ends }为止。
}
hesitant-safe = { $shipping_insurance ->
    [yes] 而且完全没有后顾之忧：支持{ $return_days }天无理由退换，我们还为您买了运费险，退货运费也不用您出哦。
   *[no] 而且风险很小：支持{ $return_days }天无理由退换，亲也可以自行购买运费险，退货运费就有保障啦。
}
hesitant-ask-worry = 亲是有什么具体的顾虑吗？可以帮您转给客服详细解答哦。
hesitant-bye = 没关系的亲，不着急慢慢考虑~ 订单在{ $order_hold_hours }小时内都可以付款，想好了随时来哦。

## cancel_order

cancel-order-intro = 没关系的亲~
cancel-order-ask-reason = 方便问一下是什么原因不想要了吗？我们也好改进哦。
cancel-order-price = 理解的亲~{ $promotion_ends ->
    [none] {""}
   *[other] 现在的活动价到{ $promotion_ends }为止。
}{ $gift ->
    [none] {""}
   *[other] 亲如果确认购买，我们会随包裹送您{ $gift }。
}而且收到后不合适，{ $return_days }天内可以无理由退换哦。
cancel-order-delivery = 已付款的订单{ $ship_hours }小时内发货，而且优先发出，会尽快送到亲手上的。
cancel-order-ask-keep = 那亲要不要先保留这个订单呢？
cancel-order-keep = 谢谢亲！付款到账后我们马上为您安排，已付款的订单优先发货哦~
cancel-order-close = 好的亲，理解的，谢谢您告诉我们~ 可以在「我的订单」里找到这笔订单点「取消订单」，或者不用管它，{ $order_hold_hours }小时后会自动关闭，不会扣款哦。期待下次再为您服务！

## wrong_item

wrong-item-intro = 没关系的亲，拍错很常见哈~
wrong-item-ask-wanted = 亲实际想要的是哪款宝贝、什么尺码或颜色呢？
wrong-item-fix = 好的收到~ 最简单的办法是先取消这笔订单（我的订单 → 该订单 →「取消订单」），再重新拍对的宝贝。如果只是尺码或颜色拍错了，也可以让客服在付款前帮您修改哦。
wrong-item-ask-human = 需要帮您转人工客服修改吗？
wrong-item-reorder = 好的亲~ 重新拍好后正常付款就行，拍错的那笔不用管，{ $order_hold_hours }小时后会自动关闭哦。

## not_my_order

not-my-order-intro = { $item ->
    [none] 亲，给您添麻烦了~ 麻烦打开订单看一下宝贝、金额、收货人和地址，看看能不能想起来，比如是不是家人帮您拍的呢？
   *[other] 亲，给您添麻烦了~ 这笔订单是{ $item }，{ $amount }，麻烦再看一下收货人和地址，看看能不能想起来，比如是不是家人帮您拍的呢？
}
not-my-order-ask-receiver = 还是说亲只是帮别人代收包裹呢？
not-my-order-relay = 谢谢亲告知~ 订单里有些信息还需要和下单的本人确认一下，麻烦您把我们的消息转告TA，或者把TA的联系方式提供给我们客服可以吗？
not-my-order-ask-contact = 方便的话，把TA的电话发给我，我转给客服同事跟TA确认哦。
not-my-order-contact-noted = 谢谢亲！电话已经帮您记下转给客服同事了，客服会联系下单的本人确认订单，您这边不用再操作啦。
not-my-order-relay-bye = 好的亲，麻烦转告TA这笔订单还在等待付款哦，订单会保留{ $order_hold_hours }小时。
not-my-order-not-placed = 如果现在想起来了，正常付款就可以啦。如果确实不是您拍的，为了安全建议马上修改一下账户密码；未付款的订单{ $order_hold_hours }小时后会自动关闭，不会扣款的哦。
not-my-order-ask-check = 需要帮您转人工客服一起核实一下吗？
not-my-order-safe-bye = 好的亲，其他都不需要您操作啦，打扰您了，抱歉哈~

## will_pay

will-pay-thanks = 太感谢亲啦！付款到账后我们马上为您安排，已付款的订单优先发货，很快就能收到哦~{ $stock_left ->
    [none] {""}
   *[other] 这款只剩{ $stock_left }件了，先付款先得哦。
}
will-pay-ask-when = 亲大概什么时候方便付款呢？
will-pay-noted = { $pay_late ->
    [yes] 亲，提醒一下：订单会在{ $closes_at }自动关闭，比您说的时间早，关闭后就付不了了。方便在{ $closes_at }之前付款吗？
   *[no] { $reminders ->
        [stopped] 好的收到~ 您说过不需要提醒，我就不打扰啦，方便的时候付款就好。
        [none] 好的收到~ 那就{ $pay_at }左右付款哈。
       *[on] 好的收到~ 我会在{ $pay_at }给您发个小提醒，以防忘记哈。
    }{ $closes_at ->
        [none] 订单拍下后会保留{ $order_hold_hours }小时，记得在这之前付款哦。
       *[other] 订单会为您保留到{ $closes_at }哦。
    }
}
will-pay-go = 好的亲，去付吧~ 付款时遇到任何问题，随时在这里告诉我，我来帮您。
will-pay-open = 好的亲，您方便的时候付就行~ { $closes_at ->
    [none] 订单会为您保留{ $order_hold_hours }小时，
   *[other] 订单会为您保留到{ $closes_at }，
}遇到问题随时找我哦。

## return_policy

return-policy-days = 在{ $shop_name }购买的宝贝，签收后{ $return_days }天内支持无理由退换，只要商品完好、不影响二次销售（吊牌、包装齐全）就可以哦。
return-policy-insurance = { $shipping_insurance ->
    [yes] 我们为您的订单买了运费险，退货运费有保障，不用担心~
   *[no] 订单没有附带运费险，亲可以自行购买运费险，退货运费就有保障啦。
}
return-policy-how = 退货方法：我的订单 → 该订单 →「申请退款/退货」，选择无理由退货，按页面显示的地址寄回就好，我们收到后原路退款哦。
return-policy-ask-human = 关于退换还有其他问题需要问客服吗？客服在线时间是{ $cs_open }–{ $cs_close }。
return-policy-bye = 好的亲~ 订单会为您保留{ $order_hold_hours }小时，想好了随时来付款哦。

## greeting

greeting-hello = 亲，您好！我是{ $shop_name }的购物小助手~
greeting-help = 付款时遇到余额不足、忘记密码、收不到验证码、页面卡住，或者想找朋友代付、了解库存和退换，都可以问我哦。亲是付款时遇到什么问题了吗？

## thanks_bye

thanks-bye-close = 不客气哦亲，感谢您光临{ $shop_name }~ 订单会为您保留{ $order_hold_hours }小时，付款时有任何问题随时找我哈！

## unknown

unknown-scope = 抱歉亲，这个问题我可能帮不上忙~ 我主要负责帮您顺利完成订单付款，比如余额、密码、验证、朋友代付、库存和退换这些。
unknown-ask-human = 需要帮您把问题转给人工客服吗？客服在线时间是{ $cs_open }–{ $cs_close }。
unknown-bye = 好的亲~ 付款时遇到任何问题，随时告诉我哈。

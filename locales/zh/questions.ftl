# paynudge 付款中途的小问题（中文）。
# dialogs/questions.toml 里每个问题一个 q- 开头的文案，一两句话，说完引擎会再问一遍
# 之前待回答的问题。变量见 dialogs/README.md，另有 $ship_hours、$ship_cutoff、$cod、
# $refund_days、$sync_minutes、$free_shipping_gap 和 $closes_at（未知时为 none）。

q-friend-pay-validity = 亲，代付请求发出后{ $friend_pay_hours }小时内有效，朋友在这个时间内付款就可以哦~

q-what-is-friend-pay = 代付就是请朋友或家人用TA自己的账户帮您付这笔订单，宝贝还是寄到您的收货地址哦~

q-damaged = 亲放心，如果收到有破损或质量问题，我们给您换新或者退款，退回的运费也由我们承担哦~ 签收后{ $return_days }天内拍几张照片联系我们就好。

q-return-shipping = { $shipping_insurance ->
    [yes] 亲放心，我们为您的订单买了运费险，退货运费有保障，不用您自己出哦~
   *[other] 亲，这单没有附带运费险，无理由退货的运费需要自己承担哦；付款时可以自行勾选运费险，退货运费就有保障啦（质量问题的运费由我们出）。
}

q-unmatched-payment = 亲放心，如果钱扣了但一直没到订单上，人工客服会对照您的扣款记录核实，钱会原路退回到您付款的账户，一般{ $refund_days }天内到账，不会让您重复付款的哦~

q-refund-time = 亲，我们收到退货后{ $refund_days }天内就会退款，原路退回到您付款的账户哦~

q-returns-apply = 可以的亲，这笔订单支持{ $return_days }天无理由退货，不管谁付款都一样哦；退货的话，钱会原路退回给付款的那位。

# $free_shipping_gap 为 "none"、数字 0（必须是 Fluent 数字才能匹配 [0]，字符串 "0" 不行），或还差的金额。
q-free-shipping = { $free_shipping_gap ->
    [none] 亲，本店满{ $currency }{ $free_shipping_threshold }包邮，一起付款的宝贝会一起算哦~
    [0] 亲，本店满{ $currency }{ $free_shipping_threshold }包邮，一起付款的宝贝会一起算，您这单已经包邮啦~
   *[other] 亲，本店满{ $currency }{ $free_shipping_threshold }包邮，一起付款的宝贝会一起算，您这单还差{ $currency }{ $free_shipping_gap }就包邮啦~
}

q-cod = { $cod ->
    [yes] 可以的亲，本店支持货到付款，结算时选择「货到付款」就好~
   *[other] 抱歉亲，本店暂时不支持货到付款哦~ 如果线上付款不方便，也可以请朋友帮忙代付。
}

q-sync-wait = 亲，付款一般{ $sync_minutes }分钟内就会同步，到时刷新一下订单就好~ 如果还是显示未付款，人工客服会对照您的扣款记录帮您核实，不会让您重复付款的哦。

q-ship-time = { $ship_cutoff ->
    [none] 亲，付款后{ $ship_hours }小时内发货，已付款的订单优先发出哦~
   *[other] 亲，付款后{ $ship_hours }小时内发货，已付款的订单优先发出；{ $ship_cutoff }前付款的当天就能发货哦~
}

# $stock_left 未知时为 "none"，否则是剩余件数（文本）。
q-stock-held = { $stock_left ->
    [none] 现在付款是来得及的亲~ 活动期间是付款减库存，只拍下不付款不占库存，付款后宝贝就稳稳是您的啦。
   *[other] 现在付款是来得及的亲~ 不过只剩{ $stock_left }件了，先付款先得哦；只拍下不付款不占库存，付款后宝贝就稳稳是您的啦。
}

q-auto-close = 亲，什么都不用做哦~ 未付款的订单{ $order_hold_hours }小时后会自动关闭，不会扣任何钱。如果想现在就关掉：我的订单 → 点进这笔订单 → 取消订单。

q-order-hold = { $closes_at ->
    [none] 亲，订单拍下后会为您保留{ $order_hold_hours }小时，在这个时间内付款都可以哦~
   *[other] 亲，订单会为您保留到{ $closes_at }（拍下后{ $order_hold_hours }小时），在这之前随时付款都可以哦~
}{ $stock_left ->
    [none] { "" }
   *[other] { " " }不过提醒一下，这件只剩{ $stock_left }件了，先付款先得，订单保留期间不占库存哦。
}

q-cs-reply-time = 亲，人工客服在线时间（{ $cs_open }–{ $cs_close }）内一般{ $cs_reply_minutes }分钟内就会回复您，我这个小助手随时都在哈~

q-cs-hours = 亲，人工客服的在线时间是{ $cs_open }–{ $cs_close }，我这个小助手是全天都在的，随时找我哈~

q-switch-method = 可以的亲~ 在收银台点一下付款方式，切换成您想用的就行（比如换一张卡、花呗、余额宝等，以收银台显示的为准）。

q-split-pay = 亲，一笔订单需要一次付清，暂时不能先付一部分、剩下的以后再付哦~ 如果现在手头不方便，也可以请朋友帮忙代付。

q-no-fact = 抱歉亲，这个信息我这里暂时没有哦~ 人工客服可以为您解答，在线时间是{ $cs_open }–{ $cs_close }。
q-changed-number = 验证码只会发到银行或支付账户绑定的手机号上哦。想改成新号码，需要联系银行（{ $bank_hotline }）更换；这期间也可以先请朋友或家人帮您代付。
q-roaming = 亲在国外的话，短信验证码需要开通国际漫游短信，到达也可能慢几分钟；如果App支持，也可以改用刷脸或指纹验证，或者请国内的朋友家人帮您代付哦。
q-which-order = { $item ->
    [none] 亲，我这边看不到是哪一单哦。可以打开「我的订单」→「待付款」，等待付款的订单就在那里。
   *[other] 是您待付款的这笔订单：{ $item }，{ $amount }{ $closes_at ->
        [none] 。
       *[other] ，保留到{ $closes_at }。
    }
}
q-promo-price = { $promotion_ends ->
    [none] 亲，这笔订单的活动截止时间我这边看不到，可以问一下人工客服（{ $cs_open }–{ $cs_close }）确认哦。
   *[other] 这笔订单的活动价到{ $promotion_ends }为止，在这之前付款都按活动价哦。
}
q-gift = { $gift ->
    [none] 亲，这笔订单没有赠品哦，宝贝页面上写的就是包裹里的东西。
   *[other] 有的亲：付款的订单会送{ $gift }。
}
q-lock-time = 输错太多次被锁的话，一般几个小时后会自动解锁（最长约一天），在App里重置一下密码通常能更快解开哦。
q-reminders-status = { $reminders ->
    [stopped] 对的亲，付款提醒已经关掉了，不会再给您发了。（想恢复的话发送 /remind 就可以）
   *[on] 亲，这笔待付款订单的提醒目前还开着。说一声“别再提醒了”或发送 /stop，我就不会再发了。
}
q-send-pay-link = 这样发就可以：

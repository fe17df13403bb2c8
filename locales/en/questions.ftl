# paynudge side-question answers (English).
# One key per question in dialogs/questions.toml, prefixed q-; one or two sentences
# each, said before the engine repeats the pending question. Variables: see
# dialogs/README.md, plus $ship_hours, $ship_cutoff, $cod, $refund_days,
# $sync_minutes, $free_shipping_gap and $closes_at ("none" when unknown).

q-friend-pay-validity = A friend-pay request stays valid for { $friend_pay_hours } hours, so your friend just needs to pay within that time.

q-what-is-friend-pay = Friend pay (代付) means someone else, like a friend or family member, pays your order from their own account. The goods still come to you, at your address.

q-damaged = If it arrives damaged or has a quality problem, we'll replace it or refund you, and we pay the return shipping. Just take a few photos and contact us within { $return_days } days of delivery.

q-return-shipping = { $shipping_insurance ->
    [yes] Your order comes with shipping insurance (运费险), so return postage is covered and you don't pay to send it back.
   *[other] This order doesn't include shipping insurance (运费险), so return postage for a no-reason return is on you; you can add the insurance at checkout to have it covered. For quality problems, we pay it.
}

q-unmatched-payment = If a payment is taken but never reaches your order, our team checks it against your payment record and the money goes back to the original account, usually within { $refund_days } days. You won't pay twice.

q-refund-time = Refunds go back to the original payment method within { $refund_days } days after we receive the return.

q-returns-apply = Yes: { $return_days }-day no-reason returns apply to this order, whoever pays for it. If you return it, the refund goes back to whoever paid.

# $free_shipping_gap is "none", the Fluent number 0 (only a number selects [0]; the string "0" would not), or the amount still missing.
q-free-shipping = { $free_shipping_gap ->
    [none] Orders of { $currency }{ $free_shipping_threshold } or more ship free, and items you pay for together count together.
    [0] Orders of { $currency }{ $free_shipping_threshold } or more ship free, and items paid together count together, so your order already qualifies.
   *[other] Orders of { $currency }{ $free_shipping_threshold } or more ship free, and items paid together count together; your order is { $currency }{ $free_shipping_gap } short.
}

q-cod = { $cod ->
    [yes] Yes, cash on delivery is available: just choose it at checkout.
   *[other] Sorry, cash on delivery isn't available in this shop. If paying online is tricky, a friend can pay it for you (代付) instead.
}

q-sync-wait = Payments usually sync within { $sync_minutes } minutes, so refresh the order after that. If it still shows unpaid, a person will check it against your payment record, and you won't pay twice.

q-ship-time = { $ship_cutoff ->
    [none] We ship within { $ship_hours } hours of payment, and paid orders go out first.
   *[other] We ship within { $ship_hours } hours of payment, paid orders first; if you pay before { $ship_cutoff }, it ships the same day.
}

# $stock_left is "none" when unknown, else the number of pieces left (as text).
q-stock-held = { $stock_left ->
    [none] Yes, if you pay now: during the sale, stock is held only once an order is paid, so placing the order alone doesn't reserve it, but paying secures your item.
   *[other] Yes, if you pay now, but hurry: only { $stock_left } left, and stock goes to whoever pays first. Placing the order alone doesn't reserve it; paying secures your item.
}

q-auto-close = No need to do anything: an unpaid order closes by itself after { $order_hold_hours } hours, and nothing is charged. If you'd rather close it now: My orders → the order → Cancel order.

q-order-hold = { $closes_at ->
    [none] Your order stays open for { $order_hold_hours } hours after you place it, so paying later is fine as long as it's within that time.
   *[other] Your order stays open until { $closes_at } ({ $order_hold_hours } hours after you placed it); you can pay any time before then.
}{ $stock_left ->
    [none] { "" }
   *[other] { " " }Just note: only { $stock_left } left, and stock goes to whoever pays first, so an open order doesn't keep your item.
}

q-cs-reply-time = Someone from our team usually answers within { $cs_reply_minutes } minutes while they're online ({ $cs_open }–{ $cs_close }); I'm here any time.

q-cs-hours = People from our team answer from { $cs_open } to { $cs_close }, and I'm here any time, day or night.

q-switch-method = Yes: at checkout, tap the payment method and switch to the one you want (another card, Huabei, Yu'e Bao and so on, whatever the checkout lists).

q-split-pay = An order is paid in full in one payment, so it can't be split into part now and the rest later. If the amount is a stretch right now, a friend can pay it for you (代付) instead.

q-no-fact = Sorry, I don't have that information here. A person from our team can tell you; they're online { $cs_open }–{ $cs_close }.
q-changed-number = The code always goes to the phone number your bank or wallet has on file. To move it to your new number, contact your bank ({ $bank_hotline }); meanwhile, a friend can pay the order for you (代付).
q-roaming = Abroad, SMS codes often need roaming SMS switched on, and they can take a few minutes. If your app offers it, confirm with face or fingerprint instead, or have a friend at home pay it for you (代付).
q-which-order = { $item ->
    [none] I can't see which order from here. Please open My orders → Unpaid: the order waiting for payment is there.
   *[other] It's your unpaid order { $item }, { $amount }{ $closes_at ->
        [none] .
       *[other] , open until { $closes_at }.
    }
}
q-promo-price = { $promotion_ends ->
    [none] I can't see an end date for this order's price here. A person from our team can confirm it ({ $cs_open }–{ $cs_close }).
   *[other] This order's sale price holds until { $promotion_ends }; paid before then, it keeps that price.
}
q-gift = { $gift ->
    [none] There's no gift with this order, sorry. What you see on the item page is what comes in the parcel.
   *[other] Yes: { $gift } comes with paid orders.
}
q-lock-time = A lock after too many wrong tries usually lifts by itself within a few hours (at most about a day), and resetting the password in the app often lifts it sooner.
q-reminders-status = { $reminders ->
    [stopped] Right: payment reminders are off, and I won't send you any. (Send /remind if you ever want them back.)
   *[on] Reminders are still on for your unpaid order. Say "stop reminding me" or send /stop and I won't send any.
}
q-send-pay-link = Here's how to send it:

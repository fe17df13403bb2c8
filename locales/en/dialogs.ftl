# paynudge dialog texts (English).
# Keys are prefixed by intent. Only the variables listed in dialogs/README.md are used.
# Engine-owned keys (opt-*, intent-*, welcome, help, handoff-*, …) live in engine.ftl.

## thinks_paid

thinks-paid-intro = Let's sort this out together.
thinks-paid-ask-deducted = Could you check your bank or wallet app: has the money actually left your account?
thinks-paid-deducted = Thanks for checking! If the money was taken, the payment system is most likely just slow to sync with our shop, which happens during big sales. Please refresh the order page in about 15 minutes; it should switch to paid.
thinks-paid-deducted-check = Keep the record from your bank or wallet (time and amount) handy. If the order still shows unpaid after that, our customer service will step in and sort it out, and you won't pay twice.
thinks-paid-ask-human = Would you like a person to check it for you right now?
thinks-paid-not-deducted = Then the payment didn't go through and nothing was charged. No worries: this often happens when the page closes before the last confirmation step.
thinks-paid-retry = To try again, open My orders → the unpaid order → Pay now, and finish the password or verification step until you see the success page. An order can only be paid once, so you can't be charged twice.
thinks-paid-ask-friend-pay = If paying yourself is tricky right now, a friend can pay it for you. Want me to show you how?
thinks-paid-retry-bye = Okay! You can still pay this order for { $order_hold_hours } hours. Just tell me if anything gets in the way.

## forgot_password

forgot-password-intro = No worries, a forgotten password is quick to reset.
forgot-password-ask-method = Which payment method were you using?
forgot-password-reset = { $payment_method ->
    [alipay] In Alipay: Me → Settings (top right) → Payment settings → Reset payment password. Verify with an SMS code or a face scan, then set a new one.
    [wechat] In WeChat: Me → Services → Wallet → Payment settings → Forgot payment password. Verify with your linked bank card or a face scan, then set a new one.
    [bank_card] Open your bank's mobile app → Security → Reset transaction password. You'll usually need your ID, the card number and an SMS code. If you get stuck, your bank can help: { $bank_hotline }
    [credit_card] In your card issuer's app, go to Card services → Reset transaction PIN and confirm with the SMS code. Your bank can also help: { $bank_hotline }
    [paypal] On the PayPal login page, tap "Forgot password?", enter your email and follow the code or link PayPal sends you to set a new password.
    [apple_pay] Apple Pay confirms with Face ID, Touch ID or your iPhone passcode, not a separate password. If a card in Wallet asks for a PIN, reset it in that bank's app; if it's the iPhone passcode you forgot, it's easier to pay another way for now.
   *[other] Open your payment app's security settings and choose "Forgot password". After verifying with an SMS code or your ID, you can set a new one.
}
forgot-password-lock = Locked after too many wrong tries? The lock usually lifts by itself after a few hours, and resetting the password often unlocks it sooner.
forgot-password-ask-friend-pay = Meanwhile, a friend could pay the order for you. Want to know how?
forgot-password-wait = Sure, take your time! You can still pay this order for { $order_hold_hours } hours, so just come back once the password is reset.

## insufficient_balance

insufficient-balance-intro = That happens, no problem. There are a few easy ways around it.
insufficient-balance-ask-method = Which payment method did you try?
insufficient-balance-fix = { $payment_method ->
    [alipay] In Alipay you can top up your balance from a bank card, or tap the payment method at checkout and switch to Huabei (花呗) or Yu'e Bao (余额宝).
    [wechat] In WeChat you can top up your Change (Me → Services → Wallet → Change → Top up), or add a bank card in Wallet and choose it at checkout.
    [bank_card] You can switch to another bank card at checkout. If the card has money but is still declined, you may have hit its daily online-payment limit, which you can raise in your bank's app.
    [credit_card] Your available credit may be used up, or the amount may be over the card's single-payment limit. Try another card, repay part of the balance first, or ask your bank about a temporary limit increase: { $bank_hotline }
    [paypal] In PayPal, add another card or bank account to your wallet, then choose it as the payment source at checkout.
    [apple_pay] On the Apple Pay sheet, tap the card to switch to another one in your Wallet, or choose a different payment method.
   *[other] At checkout, tap the payment method and switch to another card or wallet that has enough funds.
}
insufficient-balance-split = Some wallets also let you split the payment, for example part balance and part bank card. If the checkout offers a combined payment, that works too.
insufficient-balance-hold = No rush: your order stays open for { $order_hold_hours } hours.
insufficient-balance-ask-friend-pay = A friend or family member could also pay it for you. Want me to show you how?
insufficient-balance-bye = Okay! Once the funds are sorted, just pay from My orders, and message me if anything gets stuck.

## verification_failed

verification-failed-intro = Sorry the verification step is giving you trouble. Let's get it working.
verification-failed-ask-which = Which check is giving you trouble?
verification-failed-sms = A few things to try: check your signal, look in your blocked or spam messages, and wait a full 60 seconds before tapping Resend (once is enough, as too many tries can lock it). If you've changed your phone number, the code still goes to the number your bank has on file, so ask your bank to update it: { $bank_hotline }
verification-failed-other = If your bank's mobile certificate or U-key isn't with you, no problem: pay when you're back with it, as the order stays open for { $order_hold_hours } hours. If a face or fingerprint check fails, try better light, wipe the camera or sensor, or switch to paying with your password.
verification-failed-ask-friend-pay = If it still won't work, a friend could pay for you instead. Want to know how?
verification-failed-bye = Okay, take your time! You can still pay this order for { $order_hold_hours } hours.

## slow_network

slow-network-tips = Sorry about that, the network gets busy during the sale! Close other apps or downloads, switch between Wi-Fi and mobile data (4G/5G), then try again in a few minutes. Before paying again, glance at My orders to check it didn't already go through.
slow-network-hold = Your order stays open for { $order_hold_hours } hours, so there's time.
slow-network-ask-friend-pay = Or, if a friend has a steadier connection, they could pay it for you. Want to know how?
slow-network-bye = Okay! Give it another try in a few minutes, and tell me if it's still stuck.

## no_payment_method

no-payment-method-intro = { $lacking ->
    [none] No problem at all, I'll walk you through it step by step.
   *[other] No { $lacking }? That's fine. The easiest way is to have a friend or family member pay the order for you (friend pay){ $cod ->
        [yes] , or choose cash on delivery at checkout
       *[other] {""}
    }. Or pay with a method you already have.
}
no-payment-method-ask-method = Which way would you like to pay?
no-payment-method-setup = { $payment_method ->
    [alipay] 1) Download the Alipay app and sign up with your phone number. 2) Complete the real-name verification and add a bank card (Me → Bank cards → Add). 3) Back on your order, tap Pay now and choose Alipay.
    [wechat] 1) In WeChat, go to Me → Services → Wallet → Bank cards → Add a card. 2) Set a 6-digit payment password. 3) Back on your order, tap Pay now and choose WeChat Pay.
    [bank_card] 1) Make sure your card is enabled for online payments: activate mobile banking in your bank's app or at a branch. 2) On your order, tap Pay now, choose bank card and enter the card number. 3) Confirm with the SMS code sent to the phone number your bank has on file.
    [credit_card] 1) On your order, tap Pay now and choose credit card. 2) Enter the card number, expiry date and the 3-digit security code on the back. 3) Confirm with your bank's SMS code. If it's refused, you may need to switch on online payments in your bank's app.
    [paypal] 1) Sign up at paypal.com with your email address. 2) Link a card or bank account. 3) On your order, tap Pay now, choose PayPal and log in to confirm.
    [apple_pay] 1) Open the Wallet app on your iPhone, tap + to add a card and follow your bank's verification. 2) On your order, tap Pay now and choose Apple Pay. 3) Confirm with Face ID or Touch ID.
   *[other] On your order, tap Pay now: the checkout lists every method we accept. Pick one you already have and follow the steps on screen.
}
no-payment-method-bank = Questions about online banking itself? Your bank can help: { $bank_hotline }
no-payment-method-ask-friend-pay = Or the easiest way: a friend or family member pays the order for you. Want to know how?
no-payment-method-bye = Okay, take your time! Your order stays open for { $order_hold_hours } hours, and I'm here if you get stuck.

## friend_pay

friend-pay-intro = Sure, a friend or family member can pay this order for you.
friend-pay-ask-method = Which app will you send the request from?
friend-pay-how = { $payment_method ->
    [alipay] Open the unpaid order → Pay now → at the Alipay checkout choose "Ask someone to pay" (找人代付), then pick an Alipay friend or copy the link and send it to them.
    [wechat] Open the unpaid order → Pay now → choose "Ask a friend to pay" (找朋友帮忙付) and send it to your friend in a WeChat chat.
   *[other] Open the unpaid order → Pay now → choose "Ask a friend to pay", then copy the payment link and send it to your friend in any chat app.
}
friend-pay-friend-sees = Your friend opens it, sees the item and the amount, and pays with their own account; the delivery address stays yours. The request is valid for { $friend_pay_hours } hours, and once they've paid, your order shows as paid and we ship it.

## out_of_stock

out-of-stock-reserve = During the sale, stock is only deducted when an order is paid, so placing the order alone doesn't hold the item. Paying soon is the surest way to make it yours before someone else does.
out-of-stock-ask-sold-out = Does it already show as sold out when you try to pay?
out-of-stock-sold-out = { $stock_left ->
    [none] Sorry about that! Stock sometimes comes back when other unpaid orders close, and our team can check for a restock or suggest a very similar item.
    [0] Sorry about that, it has sold out. Stock sometimes comes back when other unpaid orders close, and our team can check for a restock or suggest a very similar item.
   *[other] Our records still show { $stock_left } left, so please refresh the page and try again. If it still says sold out, our team can check it for you.
}
out-of-stock-ask-human = Shall I pass you to a person to check? They're online { $cs_open }–{ $cs_close }.
out-of-stock-sold-out-bye = Okay! If it comes back in stock, paying straight away is the best way to get it.
out-of-stock-pay-soon = Good, it's still available then! If you pay now it's yours, and if something stops you, just tell me and I'll help.

## combine_order

combine-order-how = Happy to help you pay in one go! Add the other items to your cart and check them out together. Already placed several orders? Go to My orders → Unpaid, tick the orders from our shop and tap "Pay together".
combine-order-threshold = Orders of { $currency }{ $free_shipping_threshold } or more ship free, and the bundle deals on the item page are an easy way to get there.
combine-order-ask-suggest = Would you like our team to suggest items that go well with your order?
combine-order-bye = Sure, no pressure! Take your time: your order stays open for { $order_hold_hours } hours.

## hesitant

hesitant-popular = Totally fair to think it over, you clearly have a good eye!{ $stock_left ->
    [none] {""}
   *[other] {" "}Only { $stock_left } left in stock, and stock is held only once an order is paid.
}{ $promotion_ends ->
    [none] {""}
   *[other] {" "}The sale price holds until { $promotion_ends }.
}
hesitant-safe = { $shipping_insurance ->
    [yes] And there's no risk: you can return it within { $return_days } days for no reason, and we've included shipping insurance, so return postage is covered.
   *[no] And there's little risk: you can return it within { $return_days } days for no reason, and you can buy shipping insurance yourself to cover return postage.
}
hesitant-ask-worry = Is there something specific you're unsure about? I can put you through to our team to answer it.
hesitant-bye = No pressure at all, take your time. Your order stays open for { $order_hold_hours } hours if you decide to go ahead.

## cancel_order

cancel-order-intro = No problem at all.
cancel-order-ask-reason = May I ask why you'd rather not buy it? It helps us do better.
cancel-order-price = I understand, price matters.{ $promotion_ends ->
    [none] {""}
   *[other] {" "}This sale price holds until { $promotion_ends }.
}{ $gift ->
    [none] {""}
   *[other] {" "}If you go ahead, we'll add { $gift } to your parcel.
} And if it isn't right, you can return it within { $return_days } days, no reason needed.
cancel-order-delivery = Paid orders ship within { $ship_hours } hours, and they go first, so it would reach you as soon as possible.
cancel-order-ask-keep = Would you like to keep the order after all?
cancel-order-keep = Thank you! As soon as your payment comes through we'll get it ready, and paid orders ship first.
cancel-order-close = No problem, thanks for telling us. You can close it in My orders → the order → Cancel order, or simply leave it: it closes by itself after { $order_hold_hours } hours and nothing is charged. Hope to see you again!

## wrong_item

wrong-item-intro = No worries, that happens easily!
wrong-item-ask-wanted = What did you actually want: which item, size or colour?
wrong-item-fix = Thanks! The simplest way is to cancel this order (My orders → the order → Cancel order) and place a new one for the right item. If only the size or colour is wrong, our team can change it on this order before you pay.
wrong-item-ask-human = Would you like a person to change it for you?
wrong-item-reorder = Okay! Just place the new order and pay as usual. If you leave the wrong one, it closes by itself after { $order_hold_hours } hours.

## not_my_order

not-my-order-intro = { $item ->
    [none] Sorry for the confusion! Please open the order and check the item, amount, recipient and address. Maybe it rings a bell, for example something a family member ordered for you.
   *[other] Sorry for the confusion! The order is for { $item }, { $amount }. Please check the recipient and address too: maybe it rings a bell, for example something a family member ordered for you.
}
not-my-order-ask-receiver = Or are you only receiving the parcel for someone else?
not-my-order-relay = Thanks for letting us know! A few details on the order still need confirming with the buyer. Could you pass our message on to them, or share their contact with our customer service?
not-my-order-ask-contact = If you have their phone number, send it here and I'll pass it to our customer service team.
not-my-order-contact-noted = Thank you! I've kept the number for our team, who will contact the buyer about the order. You don't need to do anything else.
not-my-order-relay-bye = No problem. Please just let them know the order is waiting for payment; it stays open for { $order_hold_hours } hours.
not-my-order-not-placed = If it rings a bell now, you can pay it as usual. If you really didn't place it, please change your account password to be safe. An unpaid order closes by itself after { $order_hold_hours } hours, and nothing is charged.
not-my-order-ask-check = Would you like a person to look into it with you?
not-my-order-safe-bye = Okay. There's nothing else you need to do, and sorry for the bother!

## will_pay

will-pay-thanks = Thank you so much! As soon as your payment comes through we'll get it ready. Paid orders ship first, so it'll be on its way quickly.{ $stock_left ->
    [none] {""}
   *[other] {" "}Only { $stock_left } left, and stock goes to whoever pays first.
}
will-pay-ask-when = When are you planning to pay?
will-pay-noted = { $pay_late ->
    [yes] Just so you know, your order closes at { $closes_at }, before then, and a closed order can't be paid. Could you pay before { $closes_at }?
   *[no] { $reminders ->
        [stopped] Noted, thanks! As you asked, I won't send reminders, so just pay when you're ready.
        [none] Noted, thanks: around { $pay_at } then.
       *[on] Noted, thanks! I'll send you a friendly reminder at { $pay_at } in case it slips your mind.
    } { $closes_at ->
        [none] Your order stays open for { $order_hold_hours } hours after you placed it, so please pay within that time.
       *[other] Your order stays open until { $closes_at }.
    }
}
will-pay-go = Go ahead! If anything gets in the way while paying, just tell me here and I'll help.
will-pay-open = Sure, whenever suits you. { $closes_at ->
    [none] Your order stays open for { $order_hold_hours } hours,
   *[other] Your order stays open until { $closes_at },
} and if anything gets in the way, just tell me.

## return_policy

return-policy-days = At { $shop_name } you can return items within { $return_days } days of delivery, no reason needed, as long as they're unused and in their original condition (tags and packaging intact).
return-policy-insurance = { $shipping_insurance ->
    [yes] Your order includes shipping insurance, so return postage is covered.
   *[no] Shipping insurance isn't included, but you can buy it yourself to cover return postage.
}
return-policy-how = To return something: My orders → the order → Request return/refund, choose the no-reason return and send it back to the address shown. Once we receive it, the money goes back to your original payment method.
return-policy-ask-human = Anything else about returns you'd like to ask our team? They're online { $cs_open }–{ $cs_close }.
return-policy-bye = Great! Whenever you're ready, your order is waiting: it stays open for { $order_hold_hours } hours.

## greeting

greeting-hello = Hi! I'm the { $shop_name } shopping assistant.
greeting-help = I can help when something stops a payment: not enough balance, a forgotten password, a verification code, a slow page, having a friend pay, or questions about stock and returns. What happened when you tried to pay?

## thanks_bye

thanks-bye-close = You're welcome, and thanks for shopping with { $shop_name }! Your order stays open for { $order_hold_hours } hours, so message me anytime if you need a hand paying.

## unknown

unknown-scope = Sorry, I'm not sure I can help with that here. I'm best at helping you finish paying for an order: balance, passwords, verification, friend pay, stock or returns.
unknown-ask-human = Would you like me to pass your question to a person? Our team is online { $cs_open }–{ $cs_close }.
unknown-bye = No problem! If anything comes up while paying for your order, just tell me.

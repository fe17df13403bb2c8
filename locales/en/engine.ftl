# Texts the engine says itself, and the labels of quick-reply options.
# Dialog texts are in dialogs.ftl. Variables: see dialogs/README.md.

welcome = Hi! I'm { $shop_name }'s payment assistant. If something stopped you from paying your order (balance, password, verification code, a slow page, or you think you already paid), tell me in your own words and I'll help you finish it.
help = I can help you finish paying your order: not enough balance, a forgotten password, a verification code that doesn't come, a slow or stuck page, a payment you think went through, having no payment method, or a friend paying for you. I can also answer questions about stock, combining orders, returns and cancelling. Type /human for a person, /lang zh for Chinese.
clarify-ask = Sorry, I want to be sure I understood. Do you mean:
opt-clarify-other = Something else
clarify-other = Okay, could you tell me in a few words what is stopping the payment?
reask = Sorry, I didn't quite get that.
offer-human = I'm sorry I'm not understanding you well. Would you like to talk to a person from our customer service?
offer-human-declined = Okay! Tell me in other words what happened when you tried to pay, and I'll do my best.
handoff-start = { $cs_now ->
    [open] I'm passing you to a person from { $shop_name }'s customer service; they usually reply here within { $cs_reply_minutes } minutes. Meanwhile, feel free to write down anything that helps.
   *[closed] I'm passing you to { $shop_name }'s customer service. They work { $cs_open }–{ $cs_close } and will reply here as soon as they're back.
}
handoff-released = You're back with the payment assistant. Anything else I can help you with?
lang-switched = Sure, I'll answer in English from now on.
empty-message = I didn't receive any text. Tell me what's stopping the payment and I'll help.
unknown-command = I don't know that command. Try /help, /human, /lang en or /lang zh.

## What a clarifying question offers (one per intent)
intent-insufficient_balance = Not enough balance
intent-forgot_password = Forgot my password
intent-verification_failed = Verification code / check fails
intent-slow_network = Page slow or stuck
intent-thinks_paid = I think I already paid
intent-no_payment_method = I don't know how to pay
intent-friend_pay = A friend will pay
intent-out_of_stock = Stock / sold out
intent-combine_order = Add items, pay together
intent-hesitant = Still thinking it over
intent-cancel_order = Cancel the order
intent-wrong_item = I ordered the wrong item
intent-not_my_order = This isn't my order
intent-will_pay = I'll pay
intent-return_policy = Returns and guarantees
intent-human_agent = Talk to a person
intent-greeting = Just saying hello
intent-thanks_bye = That's all, thanks
intent-unknown = Something else

## Quick-reply labels: opt-<slot>-<value>
opt-payment_method-alipay = Alipay
opt-payment_method-wechat = WeChat Pay
opt-payment_method-bank_card = Bank card
opt-payment_method-credit_card = Credit card
opt-payment_method-paypal = PayPal
opt-payment_method-apple_pay = Apple Pay
opt-payment_method-other = Other
opt-deducted-yes = Yes, money was taken
opt-deducted-no = No, nothing was taken
opt-cancel_reason-price = The price
opt-cancel_reason-changed_mind = Changed my mind
opt-cancel_reason-bought_elsewhere = Bought it elsewhere
opt-cancel_reason-delivery_time = Delivery takes too long
opt-cancel_reason-other = Something else
opt-check-sms = SMS / verification code
opt-check-device = Certificate or U-key
opt-check-biometric = Face or fingerprint
opt-confirm-yes = Yes
opt-confirm-no = No
opt-receiver-yes = Yes, I only receive it
opt-receiver-no = No

## Orders, links and delivery
order-bound = Thanks! This chat is now linked to your order { $order_id }{ $item ->
    [none] {""}
   *[other] : { $item }, { $amount }{ $closes_at ->
        [none] {""}
       *[other] , open for payment until { $closes_at }
    }
}. Tell me if anything is stopping the payment.
link-invalid = Sorry, that link isn't valid or has expired, so I couldn't link an order. Please open the link again from the shop's order page.
link-taken = That order is already linked to another chat, so I can't show it here. If it's yours, please contact customer service.
media-unsupported = Thanks! I can only read text messages, so please describe in words what's stopping the payment.
reminders-stopped = Okay, I won't send you any more payment reminders. You can still write to me anytime.
tap-expired = That button belongs to an earlier question, so I've ignored it.

## Agents (shown in the support group)
agents-only = Only customer-service agents can use that command, and only in the support group's topics.
agent-released = The buyer is back with the bot. This topic is closed; it reopens if they need a person again.
agent-note-saved = Note saved. The buyer doesn't see it.
agent-outcome-saved = Outcome recorded for order { $order_id }. It counts in the conversion report.
agent-outcome-usage = To record a call: /outcome ORDER_ID RESULT, where RESULT is one of will-pay, paid, not-interested, no-answer, wrong-number, other (for example: /outcome A-1001 will-pay). Notes go in /note.
agent-outcome-unknown-order = There is no order with that id. To record a call: /outcome ORDER_ID RESULT.
agent-unknown-thread = This topic isn't linked to a buyer.
handoff-ping = Reminder: this buyer is still waiting for a reply.
card-title = New buyer handed over
card-buyer = Buyer
card-language = Language
card-intents = Seen
card-slots = Details
card-order = Order
card-transcript = Last messages
card-none = none

## Bot command descriptions (Telegram's command menu)
command-start = Start, or link your order
command-lang = Language: /lang en or /lang zh
command-human = Talk to a person
command-help = What I can help with
command-stop = Stop payment reminders

## An order's items when the list is long ($first: the items that fit)
items-and-more = { $first } and { $more ->
    [one] one more item
   *[other] { $more } more items
}

## Payment reminders (the strategy's text; -a and -b are two wordings tried against each other)
reminder-fast_delivery-a = Hi from { $shop_name }! Your order of { $item } ({ $amount }) isn't paid yet. We're already packing today's orders: pay now and yours ships first.
reminder-fast_delivery-b = Hello! We'd love to get your { $item } on its way. Once your payment of { $amount } comes in, we ship it first thing.{ $closes_at ->
    [none] {""}
   *[other] {" "}The order stays open until { $closes_at }.
}
reminder-limited_stock-a = Hi from { $shop_name }! You caught { $item } in the sale, and only a few are left. Stock is reserved at payment, so paying soon ({ $amount }) keeps it yours{ $closes_at ->
    [none] .
   *[other] ; the order closes { $closes_at }.
}
reminder-limited_stock-b = Quick heads-up: { $item } is almost sold out. Your order ({ $amount }) is still unpaid, and other buyers who pay first could take the last ones.
reminder-returns-a = Hi from { $shop_name }! Still thinking about { $item }? You have { $return_days } days of no-reason returns{ $shipping_insurance ->
    [yes] , and we cover the return shipping insurance
   *[no] {""}
}, so there's no risk in trying it.
reminder-returns-b = No pressure about { $item } ({ $amount }): if it isn't right, you can send it back within { $return_days } days, no questions asked.{ $closes_at ->
    [none] {""}
   *[other] {" "}The order stays open until { $closes_at }.
}
reminder-promotion_ending-a = Hi from { $shop_name }! The sale price on { $item } ends soon. Your order ({ $amount }) keeps that price if it's paid before the promotion ends.
reminder-promotion_ending-b = Last hours of the promotion: pay your order for { $item } ({ $amount }) now to keep the sale price.
reminder-ask = Is something in the way? Tap what happened and I'll help:

## Call task for a large order (for the agent who calls; in the buyer's language)
call-title = Call task: order { $order_id }, { $item }, { $amount }{ $closes_at ->
    [none] {""}
   *[other] {" "}(closes { $closes_at })
}
call-buyer = Buyer: { $name }, phone { $phone } ({ $buyer })
call-intro = 1. Introduce: "Hello, this is { $shop_name }. You ordered { $item } with us; do you remember?"
call-purpose = 2. Purpose: "We saw it isn't paid yet. It's very popular, you have a good eye! Was there a problem with the payment? Can I help?"
call-forgot = 3a. If they don't remember: read back the order ({ $item }, { $amount }), the recipient and address, and ask again.
call-receiver = 3b. If they only receive the parcel for someone: ask for the buyer's contact, some details need confirming with them.
call-close = 4. Close: if they'll pay, "Let me know when it's paid and I'll ship it right away." If not, thank them, mention { $return_days }-day returns once, and don't insist. Record the outcome.
call-record = Then record the result: /outcome { $order_id } will-pay | paid | not-interested | no-answer | wrong-number | other
# Buttons under a call task in the support group: one per outcome.
call-outcome-will-pay = Will pay
call-outcome-paid = Paid
call-outcome-not-interested = Not interested
call-outcome-no-answer = No answer
call-outcome-wrong-number = Wrong number
call-outcome-other = Other

## Conversation repair (engine/repair.rs)
same-as-above = That's still the way to go, as I said just above.
same-topic = The steps above still apply.
question-again = As I said:
offer-human-unclear = Sorry, I still couldn't tell. Just tell me in your own words what's stopping the payment, or type /human for a person.
offer-human-now = Would you like me to get a person from our team for you?
offer-human-short = Would you like me to pass this to a person from our team?
frustrated-sorry = I'm sorry, I'm clearly not getting it right.
bot-honest = I'm { $shop_name }'s automatic assistant, not a person. I can help with most payment problems right here, and a person from our team is online { $cs_open }–{ $cs_close }.
bot-honest-waiting = I'm the shop's automatic assistant. A person from our team will answer you here; I've kept your messages for them.
paid-thanks = Thank you! The order switches to paid as soon as the payment comes through, usually within { $sync_minutes } minutes, and then we get it ready to ship. If it still shows unpaid after that, tell me here and we'll check it.
reminders-off = Okay, no more payment reminders from me. (Changed your mind? Send /remind to turn them back on.)
reminders-off-closing = If you'd rather not buy, there's nothing you need to do: an unpaid order closes by itself after { $order_hold_hours } hours and nothing is charged.
reminders-resumed = Okay, payment reminders are back on.
order-found = Found it: order { $order_id }, { $item }, { $amount }.
order-not-found = I can't see that order number from here, but I can still help. What's stopping the payment?
handoff-withdrawn = Okay, I've withdrawn your request for a person.
handoff-withdrawn-help = I'm still here: tell me what's stopping the payment and I'll help.
handoff-long-wait = Sorry, everyone on our team is still busy. Your request stays open and a person will answer here. Meanwhile I can help: tell me what's stopping the payment.
handoff-ack-1 = Got it, I've passed that on. { $cs_now ->
    [open] A person will answer here shortly.
   *[closed] Our team is back at { $cs_open } and will answer here then.
}
handoff-ack-2 = Thanks, it's with our team now. { $cs_now ->
    [open] They usually answer within { $cs_reply_minutes } minutes.
   *[closed] They work { $cs_open }–{ $cs_close }.
} Changed your mind? Just say "never mind".
handoff-ack-3 = Noted for the person who will answer you. { $cs_now ->
    [open] It won't be long.
   *[closed] They'll reply once they're back at { $cs_open }.
}
cancel-order-close-again = Sure, there's nothing more to do: the unpaid order closes by itself after { $order_hold_hours } hours and nothing is charged. To close it now: My orders → the order → Cancel order.
ack-idle = Okay! If anything gets in the way of paying, just tell me here.
opt-sold_out-yes = Yes, it shows sold out
opt-sold_out-no = No, it's still available
remind-confirmed = { $reminders ->
    [none] I can't set a reminder for this order from here, so please keep { $pay_at } in mind.
   *[on] I'll remind you at { $pay_at }, so you won't forget.
}
fact-noted = Got it: { $payment_method ->
    [alipay] Alipay
    [wechat] WeChat Pay
    [bank_card] a bank card
    [credit_card] a credit card
    [paypal] PayPal
    [apple_pay] Apple Pay
   *[other] noted
}.
understood = Understood.
reminders-off-again = Reminders are already off: you won't get any more from me.
agent-relay-late = ⏱ The next lines reach you { $minutes } min late: Telegram lets the bot post only about 20 messages a minute in this group. The buyer wrote them earlier.
agent-buyer-withdrew = The buyer withdrew the request for a person and is back with the bot. Write here to take them over anyway.

# The web chat page.
web-placeholder = Type a message
web-send = Send
web-reconnecting = Reconnecting…
web-typing = …
web-failed = That did not go through. Please try again in a moment.
web-slow-down = You are sending messages very fast. Please wait a minute, then try again.
web-empty = The message is empty.
web-too-long = That message is too long: please keep it under 2,000 characters.
web-attach = Attach a screenshot
web-image-sent = (Screenshot sent)
web-image-type = Please send a picture: PNG, JPEG, WebP or GIF.
web-image-too-big = That picture is too large: please send one under 5 MB.
web-open = Need help paying? Chat with us
web-close = Close the chat
web-identity-invalid = We could not confirm your shop account on this page, so your orders are not shown here. You can still ask anything.
agent-web-words-only = This buyer is on the web chat, which shows words only: please describe the file in words.
contact-noted = Thanks, I've noted your number { $contact }.

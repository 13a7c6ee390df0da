# expect: adu 'ctl': send_to: no ADU named 'gpos'
[adu ctl]
memory = 8M
image = guest
send_to = gpos

# Integration test: two ping-pong pairs over inter-ADU messaging.  a and b:
# the receivers park in a blocking receive; c and d: d is woken by the
# message notification (soft interrupt + wfi).  Sequence numbers are
# checked end to end.
[machine]
cpus = 2
[adu a]
memory = 8M
image = bareos
bootargs = app=ping peer=1 count=200 window=4 size=64
send_to = b
[adu b]
memory = 8M
image = bareos
bootargs = app=pong
send_to = a
[adu c]
memory = 8M
image = bareos
bootargs = app=ping peer=3 count=200 window=8 size=1024
send_to = d
msg_size = 1024
[adu d]
memory = 8M
image = bareos
bootargs = app=pong notify=1
send_to = c
msg_size = 1024

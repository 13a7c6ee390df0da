# Integration test: what inter-ADU messaging must refuse (a non-permitted
# ADU, bad pointers, lengths past RAM, oversize messages), and management
# RPCs over messaging with and without the manage capability.
[machine]
cpus = 1
[adu bad]
memory = 8M
image = bareos
bootargs = app=msgbad peer=1 deny=2 over=600
send_to = sink
[adu sink]
memory = 8M
image = bareos
bootargs = app=pong echo=0
msg_size = 512
[adu other]
memory = 8M
image = bareos
bootargs = app=demo period=1000
[adu mgr]
memory = 8M
image = bareos
bootargs = app=msgbad peer=1 deny=2 over=600
send_to = sink
caps = manage

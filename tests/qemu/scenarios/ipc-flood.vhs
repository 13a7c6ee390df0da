# Integration test: one ADU floods another with 4 KiB messages on the same
# CPU as a third ADU's RT-VCPU; the flood's copies are charged to the
# flooder, the receiver's queue fills ("full"), the RT-VCPU misses nothing.
[machine]
cpus = 1
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 work=20 report=100 releases=300
reserve = 30%
[adu flood]
memory = 8M
image = bareos
bootargs = app=flood peer=2 size=4096 report=20000
send_to = sink
[adu sink]
memory = 8M
image = bareos
bootargs = app=pong echo=0 report=2000
msg_size = 4096
msg_depth = 8

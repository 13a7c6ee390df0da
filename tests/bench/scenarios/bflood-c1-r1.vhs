# Benchmark (make bench, part 2c): bench-c1-r1 plus an ADU flooding another
# with 4 KiB messages as fast as vh takes them (app=flood; the sink's queue of
# 8 slots fills, so most sends are refused with EQUEUE_FULL and the copies
# that do happen are charged to the flooder).  1 CPU(s), 1 RT-VCPU(s).
[machine]
cpus = 1
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 work=20 report=100 releases=1000 cpu=auto
reserve = 50%
[adu flood]
memory = 8M
image = bareos
bootargs = app=flood peer=2 size=4096 report=20000
send_to = sink
[adu sink]
memory = 8M
image = bareos
bootargs = app=pong echo=0 report=20000
msg_size = 4096
msg_depth = 8

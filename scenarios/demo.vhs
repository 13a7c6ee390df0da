# The default scenario of `make demo`: two BareOS ADUs share four CPUs.
# `ctl` is the real-time side: RT-App creates two RT-VCPUs (period 10 ms,
# budget 1 ms) and prints their release jitter every 100 releases; more
# can be created live (`vhctl vcpu create ctl --entry rtapp_spawn ...`).
# `gp` is the general-purpose side: four best-effort VCPUs ticking.
# Each ADU's console lines are tagged with its name.

[machine]
cpus = 4
quantum = 10ms
rt_limit = 90%

[adu ctl]
memory = 16M
image = bareos
bootargs = app=rtapp n=2 period=10000 budget=1000 work=20 report=100
vcpus = 1
priority = 4
reserve = 30%
devices = uart, reset
caps = manage, reserve

[adu gp]
memory = 32M
image = bareos
bootargs = app=demo period=700
vcpus = 4
priority = 2
reserve = 30%
devices = uart, reset

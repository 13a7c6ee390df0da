# The default scenario of `make demo`: two BareOS ADUs share four CPUs.
# `ctl` is the controller side (it will host RT-VCPUs), `gp` the general
# purpose side.  Each ADU's console lines are tagged with its name.

[machine]
cpus = 4
quantum = 10ms
rt_limit = 90%

[adu ctl]
memory = 16M
image = bareos
bootargs = app=demo period=500
vcpus = 2
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

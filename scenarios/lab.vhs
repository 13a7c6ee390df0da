# A small board for test campaigns (docs/campaigns.md): the shipped example
# campaign docs/campaigns/jitter-smoke.yaml spawns two of these in QEMU.
# `ctl` runs RT-App with one RT-VCPU of its own and leaves room in its
# reservation for the RT-VCPUs a campaign creates (`entry: rtapp_spawn`);
# `shell` echoes every console line back ("echo: LINE"), so a campaign can
# check console input and output.

[machine]
cpus = 2
quantum = 10ms
rt_limit = 90%

[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 work=20 report=1000
vcpus = 1
reserve = 30%
devices = uart, reset
caps = manage, reserve

[adu shell]
memory = 8M
image = bareos
bootargs = app=echo
vcpus = 1
reserve = 10%
devices = uart, reset

# The management plane beside real time on one CPU (tests/qemu/test_mgmt.py
# stream): the agent's work for the host, a 100 Hz statistics stream among
# it, runs on the very CPU of the RT-VCPUs it is compared on, and QEMU has
# no second CPU to interleave with.  RT-App's reporting VCPU starts with one
# RT-VCPU of its own; the measured ones are created by the host (rtapp_spawn),
# one per measurement window.
[machine]
cpus = 1
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 work=20 report=100 releases=0
reserve = 50%

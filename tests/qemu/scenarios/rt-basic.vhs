# Integration test: RT-App in a BareOS ADU creates two RT-VCPUs (period
# 10 ms) beside a best-effort ADU that spins on both CPUs.
[machine]
cpus = 2
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=2 period=10000 budget=1000 work=0 report=100 releases=300
reserve = 30%
[adu gp]
memory = 8M
image = bareos
bootargs = app=spin every=5000000
vcpus = 2

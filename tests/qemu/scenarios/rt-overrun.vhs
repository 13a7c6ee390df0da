# Integration test: RT-VCPU 1 spins past its budget in every job; it is
# throttled while its neighbours on the same CPU keep zero misses.
[machine]
cpus = 1
rt_limit = 90%
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=3 period=10000 budget=2000 work=100 report=100 releases=200 spin=1
reserve = 90%

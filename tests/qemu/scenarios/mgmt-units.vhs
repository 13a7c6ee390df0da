# The cost of the agent's units of work, with vh's tracing on
# (tests/qemu/test_mgmt.py units): one CPU, RT-App's four RT-VCPUs plus four
# the host creates, so a stats message carries the most VCPUs it may
# (MGMT_STATS_VCPUS); every unit must fit the 500 us guard before a release.
[machine]
cpus = 1
trace = on
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=4 period=10000 budget=1000 work=20 report=100 releases=0
reserve = 70%

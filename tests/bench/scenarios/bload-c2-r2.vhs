# Benchmark (make bench, part 2): bench-c2-r2 plus a best-effort ADU
# spinning on every CPU (2 BE-VCPUs).
[machine]
cpus = 2
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=2 period=10000 budget=1000 work=20 report=100 releases=1000 cpu=auto
reserve = 50%
[adu gp]
memory = 8M
image = bareos
bootargs = app=spin every=50000000
vcpus = 2

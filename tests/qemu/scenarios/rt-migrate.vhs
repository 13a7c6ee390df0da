# Integration test: live changes after the first report: migrate an
# RT-VCPU to the other CPU (no miss), with zero misses before and after.
[machine]
cpus = 2
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=2 period=10000 budget=1000 work=0 report=100 releases=300 cpu=0 script=migrate
reserve = 30%

# Integration test: live reservation changes after the first report: a
# shrink below what is admitted is refused and leaves the reservation as
# it was; a grow within the machine limit is applied.
[machine]
cpus = 2
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=2 period=10000 budget=1000 work=0 report=100 releases=300 cpu=0 script=reserve
reserve = 30%
caps = reserve

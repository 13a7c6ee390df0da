# Integration test: two hostile ADUs read memory that is not theirs, the
# victim's RAM by its host address and the hypervisor's interrupt
# controller (PLIC); both are stopped, the victim keeps running.
[machine]
cpus = 2
[adu victim]
memory = 8M
address = 0x84000000
image = bareos
bootargs = app=demo period=100
[adu spy-mem]
memory = 8M
image = bareos
bootargs = app=hostile addr=0x84000000
[adu spy-hv]
memory = 8M
image = bareos
bootargs = app=hostile addr=0x0c000000

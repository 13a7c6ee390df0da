# A valid two-ADU scenario: vhcfg must accept it and its outputs must build.
[machine]
name = demo
cpus = 4
quantum = 10ms
rt_limit = 90%

[adu ctl]
memory = 16M
address = 0x82000000
image = guest
bootargs = app=demo period=100
vcpus = 2
priority = 4
affinity = 0-1;2-3
reserve = 30%
devices = uart, reset
caps = manage
send_to = gp

[adu gp]
memory = 32M
image = guest
reserve = 10.5%
send_to = ctl

"""ML2 mechanism driver for the ec2api test cloud: binds every port on any host.

The test cloud runs neutron-server without any L2 agent (nothing is plumbed; nova
uses fake.FakeDriver).  Stock ML2 drivers only bind ports on hosts with a live
agent, so ports would stay unbound and servers would go to ERROR.  This driver
binds the first segment offered with vif_type "ovs" and marks the port ACTIVE.

Installed by scripts/testcloud/testcloud into /usr/local/lib/python3/dist-packages
with an entry point ``neutron.ml2.mechanism_drivers: ec2api_testcloud_fakebind``.
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class FakeBindMechanismDriver(api.MechanismDriver):

    def initialize(self):
        pass

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID],
                portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True,
                 portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE)
            return

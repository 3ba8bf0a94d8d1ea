"""Sans-IO protocol machines, one per service, in the h11 model.

A machine hands out requests (``next_request()``), is fed the response
events (``receive(...)``, ``connection_dropped()``, ``transport_failed()``) and says what happens
next (``next_event()``: a unified event, or :data:`NEXT_REQUEST`,
:data:`NEED_DATA`, :data:`NO_MORE_EVENTS`). It owns no socket and no timer;
:func:`hfclient.driver.drive` runs one over a transport.

Every change of a machine's state is an edge of its :attr:`Machine.TRANSITIONS`
table: ``((step, state), input)`` to the next ``(step, state)``, where the
:class:`State` is where the current exchange is, the :class:`Step` (one
subclass per service) which request of the flow it is, and :class:`Input`
what moved it. ``docs/protocol.md`` draws the tables.
"""

from hfclient.protocol._machine import (
    NEED_DATA,
    NEXT_REQUEST,
    NO_MORE_EVENTS,
    Exchange,
    Machine,
    MachineEvent,
)
from hfclient.protocol._states import Input, State, Step, transition_table
from hfclient.protocol.hailuo import HailuoMachine, HailuoStep
from hfclient.protocol.hailuo_calls import DeleteChatMachine, HailuoCallStep, UserInfoMachine
from hfclient.protocol.huggingchat import HuggingChatMachine, HuggingChatStep
from hfclient.protocol.huggingchat_calls import (
    AnswerElicitationMachine,
    McpServersMachine,
    StopGenerationMachine,
)
from hfclient.protocol.huggingchat_library import (
    ConversationMachine,
    ConversationsPageMachine,
    DeleteAllConversationsMachine,
    DeleteConversationMachine,
    LibraryStep,
    ModelMachine,
    ModelsMachine,
    ShareConversationMachine,
    UpdateConversationMachine,
)
from hfclient.protocol.router import RouterMachine, RouterStep
from hfclient.protocol.router_catalog import (
    CatalogStep,
    ProviderMappingMachine,
    RouterCatalogMachine,
)

__all__ = [
    "NEED_DATA",
    "NEXT_REQUEST",
    "NO_MORE_EVENTS",
    "AnswerElicitationMachine",
    "CatalogStep",
    "ConversationMachine",
    "ConversationsPageMachine",
    "DeleteAllConversationsMachine",
    "DeleteChatMachine",
    "DeleteConversationMachine",
    "Exchange",
    "HailuoCallStep",
    "HailuoMachine",
    "HailuoStep",
    "HuggingChatMachine",
    "HuggingChatStep",
    "Input",
    "LibraryStep",
    "Machine",
    "MachineEvent",
    "McpServersMachine",
    "ModelMachine",
    "ModelsMachine",
    "ProviderMappingMachine",
    "RouterCatalogMachine",
    "RouterMachine",
    "RouterStep",
    "ShareConversationMachine",
    "State",
    "Step",
    "StopGenerationMachine",
    "UpdateConversationMachine",
    "UserInfoMachine",
    "transition_table",
]

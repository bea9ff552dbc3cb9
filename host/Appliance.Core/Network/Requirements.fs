module Appliance.Core.Network.Requirements

// placeholder: owned by its work package, filled in next
let internal placeholder = ()

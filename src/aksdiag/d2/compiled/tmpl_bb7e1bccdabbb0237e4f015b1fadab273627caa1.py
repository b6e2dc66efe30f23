# Generated from templates/ by `make templates` (jinja2); do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_compare.d2.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_cshape = l_0_cedge = missing
    try:
        t_1 = environment.filters['d2']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'd2' found.")
    try:
        t_2 = environment.filters['key']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'key' found.")
    try:
        t_3 = environment.filters['path']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'path' found.")
    pass
    yield 'classes: {\n  node: { style: { font-size: 28 } }\n  pods_vnet: { style: { font-size: 28 } }\n  pods_overlay: { style: { font-size: 28 } }\n  pods_cni: { style: { font-size: 28 } }\n  subnet: { style: { font-size: 26 } }\n  vnet: { style: { font-size: 28 } }\n  lb: { style: { font-size: 26 } }\n  natgw: { style: { font-size: 26 } }\n  firewall: { style: { font-size: 26 } }\n  more: { style: { font-size: 26 } }\n  internet: { style: { font-size: 26 } }\n  pod_path: { style: { font-size: 26 } }\n  snat: { style: { font-size: 26 } }\n  subnet_row: { grid-columns: 3; grid-gap: 20; style: { fill: "#F7FBFF"; stroke: "#4A90D9"; font-color: "#0B3A6B"; font-size: 26 } }\n  routetable_compare: { style: { fill: "#FFF8E1"; stroke: "#C99700"; font-color: "#4D3A00"; font-size: 26; font: mono } }\n  podcidr_compare: { style: { fill: "#F8F1FC"; stroke: "#8A3FB8"; stroke-dash: 5; stroke-width: 2; font-color: "#4B1F66"; font-size: 26 } }\n  removed: { style: { stroke: "#C50F1F"; stroke-width: 5; stroke-dash: 6; fill: "#FDE7E9"; font-color: "#8B0000" } }\n  added: { style: { stroke: "#107C10"; stroke-width: 5; fill: "#E3F4E1"; font-color: "#0B3D0B" } }\n  changed: { style: { stroke: "#C27C0E"; stroke-width: 5; fill: "#FFF4CE"; font-color: "#5C3B00" } }\n}\n'
    def macro(l_1_s, l_1_depth):
        t_4 = []
        l_1_icon = resolve('icon')
        l_1_pad = missing
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_depth is missing:
            l_1_depth = 0
        pass
        l_1_pad = ('  ' * l_1_depth)
        t_4.extend((
            str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
            str(t_2(environment.getattr(l_1_s, 'id'))),
            ': ',
            str(t_1(environment.getattr(l_1_s, 'label'))),
            ' {\n',
        ))
        if environment.getattr(l_1_s, 'marks'):
            pass
            t_4.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  class: [',
                str(t_2(environment.getattr(l_1_s, 'kind'))),
            ))
            for l_2_m in environment.getattr(l_1_s, 'marks'):
                _loop_vars = {}
                pass
                t_4.extend((
                    '; ',
                    str(t_2(l_2_m)),
                ))
            l_2_m = missing
            t_4.append(
                ']\n',
            )
        else:
            pass
            t_4.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  class: ',
                str(t_2(environment.getattr(l_1_s, 'kind'))),
                '\n',
            ))
        if environment.getattr(l_1_s, 'icon'):
            pass
            t_4.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  icon: ',
                str(t_1(context.call((undefined(name='icon') if l_1_icon is missing else l_1_icon), environment.getattr(l_1_s, 'icon')))),
                '\n',
            ))
        if environment.getattr(l_1_s, 'columns'):
            pass
            t_4.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  grid-columns: ',
                str(environment.getattr(l_1_s, 'columns')),
                '\n',
            ))
        for l_2_c in environment.getattr(l_1_s, 'children'):
            _loop_vars = {}
            pass
            t_4.extend((
                str(context.call((undefined(name='cshape') if l_0_cshape is missing else l_0_cshape), l_2_c, (l_1_depth + 1), _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_c = missing
        t_4.extend((
            str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
            '}',
        ))
        return concat(t_4)
    context.exported_vars.add('cshape')
    context.vars['cshape'] = l_0_cshape = Macro(environment, macro, 'cshape', ('s', 'depth'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_e, l_1_prefix):
        t_5 = []
        if l_1_e is missing:
            l_1_e = undefined("parameter 'e' was not provided", name='e')
        if l_1_prefix is missing:
            l_1_prefix = ''
        pass
        t_5.extend((
            str(t_3(str_join((l_1_prefix, environment.getattr(l_1_e, 'src'), )))),
            ' -> ',
            str(t_3(str_join((l_1_prefix, environment.getattr(l_1_e, 'dst'), )))),
            ': ',
            str(t_1(environment.getattr(l_1_e, 'label'))),
            ' { class: ',
            str(t_2(environment.getattr(l_1_e, 'kind'))),
            ' }',
        ))
        return concat(t_5)
    context.exported_vars.add('cedge')
    context.vars['cedge'] = l_0_cedge = Macro(environment, macro, 'cedge', ('e', 'prefix'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '23=31&24=40&25=42&26=48&27=51&29=69&31=74&32=77&34=82&35=85&37=90&38=94&40=99&42=105&43=113'